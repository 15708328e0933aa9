import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { certs } from '../../src/commands/certs.js';
import { generate } from '../../src/commands/generate.js';
import {
  createCa,
  inspectCertificate,
  issueServerCertificate,
  type PemPair,
} from '../../src/tls/certificates.js';
import { captureIo, readTree, testdir } from '../helpers/testdir.js';

/** A real TLS handshake: a server with `server`, a client trusting `caPem` and asking for `name`. */
async function handshake(server: PemPair, caPem: string, name: string): Promise<'ok' | string> {
  const listener = tls.createServer({ cert: server.cert, key: server.key }, (socket) => socket.end());
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as { port: number };
  try {
    return await new Promise((resolve) => {
      const client = tls.connect({ host: '127.0.0.1', port, ca: caPem, servername: name }, () => {
        client.end();
        resolve('ok');
      });
      client.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    listener.close();
  }
}

const tempoStack = 'name: secure\nbackend: tempo\ntls:\n  enabled: true\n';

describe('development certificates', () => {
  it('chain to their CA and carry the service names', async () => {
    const ca = await createCa('demo');
    const server = await issueServerCertificate(ca, {
      name: 'tempo',
      dnsNames: ['tempo', 'localhost'],
      ips: ['127.0.0.1'],
    });
    const facts = await inspectCertificate(server.cert, ca.cert);
    expect(facts).toMatchObject({
      subject: 'CN=tempo',
      dnsNames: ['tempo', 'localhost'],
      ips: ['127.0.0.1'],
      signedByCa: true,
    });
    expect(await handshake(server, ca.cert, 'tempo')).toBe('ok');
    expect(await handshake(server, ca.cert, 'localhost')).toBe('ok');
  });

  it('are refused for another name or by a client trusting another CA', async () => {
    const ca = await createCa('demo');
    const server = await issueServerCertificate(ca, { name: 'tempo', dnsNames: ['tempo'], ips: [] });
    expect(await handshake(server, ca.cert, 'grafana')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const other = await createCa('other');
    expect(await handshake(server, other.cert, 'tempo')).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect((await inspectCertificate(server.cert, other.cert)).signedByCa).toBe(false);
  });

  it('are made by generate for a stack with TLS on, chained to one CA, named after their services', async () => {
    const cwd = await testdir({ 'stacks/secure.yaml': tempoStack });
    await generate({ cwd, io: captureIo(), files: [], check: false, force: false });
    const dir = path.join(cwd, 'deploy/secure/tls');
    const read = (f: string) => readFile(path.join(dir, f), 'utf8');
    const ca = await read('ca.crt');
    for (const [service, file] of [
      ['otel-collector', 'otel-collector'],
      ['tempo', 'tempo'],
    ] as const) {
      const pair = { cert: await read(`${file}.crt`), key: await read(`${file}.key`) };
      expect(await inspectCertificate(pair.cert, ca)).toMatchObject({
        dnsNames: [service, 'localhost'],
        signedByCa: true,
      });
      expect(await handshake(pair, ca, service)).toBe('ok');
    }
    expect(await readFile(path.join(cwd, '.gitignore'), 'utf8')).toContain('/deploy/secure/tls/');
  });

  it('are kept by later runs and replaced, CA and all, by certs --renew', async () => {
    const cwd = await testdir({ 'stacks/secure.yaml': tempoStack });
    await generate({ cwd, io: captureIo(), files: [], check: false, force: false });
    const before = await readTree(path.join(cwd, 'deploy/secure/tls'));
    await generate({ cwd, io: captureIo(), files: [], check: false, force: false });
    const io = captureIo();
    await certs({ cwd, io, stack: undefined, renew: false });
    expect(await readTree(path.join(cwd, 'deploy/secure/tls'))).toEqual(before);
    expect(io.stdout[0]).toBe(
      'deploy/secure/tls: the certificates exist; --renew replaces them with a new CA.',
    );
    await certs({ cwd, io: captureIo(), stack: undefined, renew: true });
    const after = await readTree(path.join(cwd, 'deploy/secure/tls'));
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const file of Object.keys(before)) expect(after[file], file).not.toBe(before[file]);
  });

  it('are reissued, CA kept, when tls.extraNames asks for a name they lack', async () => {
    const cwd = await testdir({ 'stacks/secure.yaml': tempoStack });
    const run = () => generate({ cwd, io: captureIo(), files: [], check: false, force: false });
    await run();
    const dir = path.join(cwd, 'deploy/secure/tls');
    const before = await readTree(dir);
    await writeFile(
      path.join(cwd, 'stacks/secure.yaml'),
      `${tempoStack}  extraNames: [obs.lan, 192.168.1.20]\n`,
    );
    await run();
    const after = await readTree(dir);
    expect(after['ca.crt']).toBe(before['ca.crt']);
    const server = { cert: after['tempo.crt']!, key: after['tempo.key']! };
    expect(await inspectCertificate(server.cert, after['ca.crt']!)).toMatchObject({
      dnsNames: ['tempo', 'localhost', 'obs.lan'],
      ips: ['127.0.0.1', '192.168.1.20'],
      signedByCa: true,
    });
    expect(await handshake(server, after['ca.crt']!, 'obs.lan')).toBe('ok');
    // Once they carry the names, later runs keep them.
    await run();
    expect(await readTree(dir)).toEqual(after);
  });

  it("are listed by certs with the names each server's own certificate carries", async () => {
    const cwd = await testdir({ 'stacks/secure.yaml': `${tempoStack}loki:\n  enabled: true\n` });
    await generate({ cwd, io: captureIo(), files: [], check: false, force: false });
    const io = captureIo();
    await certs({ cwd, io, stack: undefined, renew: false });
    const names = io.stdout.slice(1).map((line) => line.replace(/; valid until .*$/, ''));
    expect(names).toEqual([
      '  otel-collector: otel-collector, localhost, 127.0.0.1',
      '  tempo: tempo, localhost, 127.0.0.1',
      '  loki: loki, localhost, 127.0.0.1',
    ]);
  });

  it('says when TLS is off', async () => {
    const cwd = await testdir({ 'stacks/plain.yaml': 'name: plain\nbackend: tempo\n' });
    await expect(certs({ cwd, io: captureIo(), stack: undefined, renew: false })).rejects.toThrow(
      'TLS is off in stacks/plain.yaml: set tls.enabled: true first',
    );
  });
});

import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StackInvalidError } from '../../src/errors.js';
import { loadStackText } from '../../src/model/load.js';
import { createCa, issueServerCertificate } from '../../src/tls/certificates.js';
import { testdir } from '../helpers/testdir.js';

const stack = `name: secure
backend: tempo
tls:
  enabled: true
  files:
    ca: certs/ca.crt
    collector: { cert: certs/collector.crt, key: certs/collector.key }
    tempo: { cert: certs/tempo.crt, key: certs/tempo.key }
`;

async function project(
  options: { tempoNames?: string[]; otherCa?: boolean; missing?: string; swapKeys?: boolean } = {},
): Promise<string> {
  const root = await testdir({ 'stacks/secure.yaml': stack });
  const ca = await createCa('users');
  const signer = options.otherCa ? await createCa('stranger') : ca;
  const collector = await issueServerCertificate(signer, {
    name: 'otel-collector',
    dnsNames: ['otel-collector', 'localhost'],
    ips: [],
  });
  const tempo = await issueServerCertificate(ca, {
    name: 'tempo',
    dnsNames: options.tempoNames ?? ['tempo', 'localhost'],
    ips: [],
  });
  const files: Record<string, string> = {
    'certs/ca.crt': ca.cert,
    'certs/collector.crt': collector.cert,
    'certs/collector.key': collector.key,
    'certs/tempo.crt': tempo.cert,
    'certs/tempo.key': tempo.key,
  };
  delete files[options.missing ?? ''];
  if (options.swapKeys) files['certs/tempo.key'] = collector.key;
  await mkdir(path.join(root, 'certs'));
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(root, file), content);
  return root;
}

async function problems(root: string): Promise<string[]> {
  try {
    await loadStackText(root, 'stacks/secure.yaml', stack);
    return [];
  } catch (error) {
    if (error instanceof StackInvalidError)
      return error.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
    throw error;
  }
}

describe("the user's own TLS files", () => {
  it('pass when they chain to the CA and carry the names', async () => {
    expect(await problems(await project())).toEqual([]);
  });

  it('are checked for the names clients use', async () => {
    expect(await problems(await project({ tempoNames: ['tempo'] }))).toEqual([
      '8:20 tls.files.tempo.cert: certs/tempo.crt does not name localhost (it names tempo); clients reach tempo by these names',
    ]);
  });

  it('must be signed by the CA they name', async () => {
    expect(await problems(await project({ otherCa: true }))).toEqual([
      '7:24 tls.files.collector.cert: certs/collector.crt is not signed by the CA certs/ca.crt',
    ]);
  });

  it('must exist', async () => {
    expect(await problems(await project({ missing: 'certs/tempo.key' }))).toEqual([
      '8:42 tls.files.tempo.key: certs/tempo.key does not exist',
    ]);
  });

  it('must hold the key of their certificate', async () => {
    expect(await problems(await project({ swapKeys: true }))).toEqual([
      '8:42 tls.files.tempo.key: certs/tempo.key is not the key of certs/tempo.crt: the server could not prove it holds the certificate',
    ]);
  });

  it.runIf(process.platform === 'linux' && process.getuid?.() !== 10001)(
    'must be readable by the user the services run as (uid 10001)',
    async () => {
      const root = await project();
      await chmod(path.join(root, 'certs/tempo.key'), 0o600);
      expect(await problems(root)).toEqual([
        expect.stringMatching(
          /^8:42 tls\.files\.tempo\.key: certs\/tempo\.key is not readable by uid 10001, the user the collector, Tempo and Loki run as \(mode 0600, owner \d+:\d+\)/,
        ),
      ]);
      await chmod(path.join(root, 'certs/tempo.key'), 0o640);
      await chown(path.join(root, 'certs/tempo.key'), process.getuid!(), 10001).catch(() => undefined);
      if ((await stat(path.join(root, 'certs/tempo.key'))).gid === 10001)
        expect(await problems(root)).toEqual([]);
    },
  );

  it('carry the names of tls.extraNames', async () => {
    const root = await project();
    const withExtra = stack.replace('  enabled: true\n', '  enabled: true\n  extraNames: [192.168.1.20]\n');
    await expect(loadStackText(root, 'stacks/secure.yaml', withExtra)).rejects.toThrow(
      'certs/tempo.crt does not name 192.168.1.20',
    );
  });
});

/**
 * The Tempo stack on the real Docker engine with the real Docker Compose v2.
 *
 * Real: the engine, Compose, the generated files, the one-shot volume init and its
 * service_completed_successfully ordering, healthchecks, and Prometheus (Debian's binary) with the
 * remote-write receiver Tempo's generator needs, and the recreation of what mounts renewed certificates.
 * Stand-ins (fakes, see standins/README.md): the collector, Tempo (it answers "/tempo -health" as the real
 * one does), busybox, Grafana. TLS itself is covered by unit tests (real TLS handshakes with the generated
 * certificates): the stand-ins mount the certificates but cannot serve TLS.
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containers, createProject, dispose, eventually, stackgenIn, upTargets } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgtempo';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = { grpc: 25317, http: 25318, health: 25133, tempo: 25200, prometheus: 25090, grafana: 25000 };

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: tempo
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    tempo: { api: ${PORTS.tempo} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    tempo-init: ${STANDINS.busybox}
    tempo: ${STANDINS.tempo}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
  });
  stackgen = stackgenIn(project);
  expect((await stackgen(['generate'])).exitCode).toBe(0);
});

afterAll(async () => {
  await execa('docker', ['rm', '--force', APP], { reject: false });
  await dispose([NAME], project);
});

/** A container of the user's own, outside the stack, trusting the stack's CA through a bind mount. */
const APP = `${NAME}-own-app`;

describe.sequential('the Tempo stack on the real engine', () => {
  it('comes up after its volume init step completed, every service healthy', async () => {
    const result = await stackgen(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('tempo-init: completed');
    expect(result.stdout).toContain(`Tempo API             http://127.0.0.1:${PORTS.tempo}`);
    const report = JSON.parse((await stackgen(['status', '--json'])).stdout);
    expect(report.state).toBe('running');
    expect(report.services.find((s: { service: string }) => s.service === 'tempo-init')).toMatchObject({
      oneShot: true,
      state: 'exited',
      exitCode: 0,
    });
    expect(report.services.find((s: { service: string }) => s.service === 'tempo')).toMatchObject({
      health: 'healthy',
    });
  });

  it("has Prometheus accepting remote write (Tempo's generator) and scraping Tempo", async () => {
    // An empty body is refused as bad input (400) by an enabled receiver; a disabled one answers 404.
    const write = await fetch(`http://127.0.0.1:${PORTS.prometheus}/api/v1/write`, {
      method: 'POST',
      body: '',
    });
    expect(write.status).toBe(400);
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.length === 5 ? up : undefined;
    }, 60);
    expect(jobs).toEqual(['grafana', 'otel-collector', 'otel-collector-exporter', 'prometheus', 'tempo']);
  });

  it('goes down cleanly', async () => {
    expect((await stackgen(['down'])).exitCode).toBe(0);
    expect(await containers(NAME)).toEqual([]);
  });
});

describe.sequential('renewed certificates on the real engine', () => {
  const MOUNTING = ['grafana', 'otel-collector', 'prometheus', 'tempo'];
  const ids = async () =>
    Object.fromEntries(
      await Promise.all(
        MOUNTING.map(async (service) => [
          service,
          (await execa('docker', ['inspect', `${NAME}-${service}-1`, '--format', '{{.Id}}'])).stdout,
        ]),
      ),
    );

  it('are brought by the next up to every service that mounts them, naming app containers to restart', async () => {
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('backend: tempo\n', 'backend: tempo\ntls:\n  enabled: true\n'));
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const first = await stackgen(['up']);
    expect(first.exitCode, first.stderr).toBe(0);
    const ca = path.join(project!, `deploy/${NAME}/tls/ca.crt`);
    await execa('docker', [
      'run',
      '--detach',
      '--name',
      APP,
      '--volume',
      `${ca}:/etc/app/ca.crt:ro`,
      '--entrypoint',
      'sh',
      STANDINS.busybox,
      '-c',
      'sleep 3600',
    ]);
    const before = await ids();
    // Nothing changed: nothing is recreated.
    const again = await stackgen(['up']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Recreating');
    expect(await ids()).toEqual(before);

    expect((await stackgen(['certs', '--renew'])).exitCode).toBe(0);
    const renewed = await stackgen(['up']);
    expect(renewed.exitCode, renewed.stderr).toBe(0);
    const recreated = /^Recreating (.*): a certificate they mount changed since they started\.$/m.exec(
      renewed.stderr,
    );
    expect(recreated?.[1]?.split(', ').sort()).toEqual(MOUNTING);
    // The list of what up changes says so too, instead of calling them unchanged.
    for (const service of MOUNTING)
      expect(renewed.stderr).toContain(`  recreate  ${service}: a certificate it mounts was renewed`);
    const after = await ids();
    for (const service of MOUNTING) expect(after[service], service).not.toBe(before[service]);
    // Each sees the new CA now; the app's single-file bind mount still shows the old one.
    const newCa = (await readFile(ca, 'utf8')).trim();
    const inside = (container: string, file: string) =>
      execa('docker', ['exec', container, 'cat', file]).then((r) => r.stdout.trim());
    expect(await inside(`${NAME}-tempo-1`, '/etc/tempo/tls/ca/ca.crt')).toBe(newCa);
    expect(await inside(`${NAME}-grafana-1`, '/etc/grafana/tls/ca.crt')).toBe(newCa);
    expect(await inside(APP, '/etc/app/ca.crt')).not.toBe(newCa);
    expect(renewed.stderr).toContain(
      `These app containers started before the stack's CA changed and still trust the old one: restart them ("docker restart ${APP}").`,
    );
    expect((await stackgen(['down'])).exitCode).toBe(0);
  });
});

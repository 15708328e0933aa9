/**
 * The Tempo stack on the real Docker engine with the real Docker Compose v2.
 *
 * Real: the engine, Compose, the generated files, the one-shot volume init and its
 * service_completed_successfully ordering, healthchecks, and Prometheus (Debian's binary) with the
 * remote-write receiver Tempo's generator needs. Stand-ins (fakes, see standins/README.md): the collector,
 * Tempo (it answers "/tempo -health" as the real one does), busybox, Grafana. TLS is covered by unit tests
 * (real TLS handshakes with the generated certificates): the stand-ins cannot serve TLS.
 */
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

afterAll(() => dispose([NAME], project));

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

/**
 * A Jaeger stack with Loki (loki.enabled) on the real Docker engine with the real Docker Compose v2.
 *
 * Real: the engine, Compose, the generated files, networks, the loki-data volume and its ownership,
 * healthchecks (Loki's is "/usr/bin/loki -health", run in the container), depends_on ordering, Prometheus
 * (Debian's binary) scraping Loki, and the log record `stackgen verify` sends through the published
 * OTLP/HTTP port and looks for through Loki's query API on its published port.
 * Stand-ins (fakes, see standins/README.md): the collector, which forwards OTLP/HTTP log exports as received
 * to the endpoint of the Loki exporter in the generated config, over the stack's network; Loki, which keeps
 * them and answers verify's one query; Jaeger and Grafana.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containers, createProject, dispose, eventually, stackgenIn, upTargets, volumes } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgloki';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = {
  grpc: 22317,
  http: 22318,
  health: 22133,
  jaeger: 22686,
  loki: 22100,
  prometheus: 22090,
  grafana: 22000,
};

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: jaeger
loki:
  enabled: true
  retention: 3d
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    jaeger: { ui: ${PORTS.jaeger} }
    loki: { api: ${PORTS.loki} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    loki: ${STANDINS.loki}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
  });
  stackgen = stackgenIn(project);
  expect((await stackgen(['generate'])).exitCode).toBe(0);
});

afterAll(() => dispose([NAME], project));

describe.sequential('Loki beside Jaeger on the real engine', () => {
  it('comes up with Loki healthy before the collector and Grafana, and says where it is', async () => {
    const result = await stackgen(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('loki: healthy');
    expect(result.stdout).toContain(`Loki API              http://127.0.0.1:${PORTS.loki}`);
    const report = JSON.parse((await stackgen(['status', '--json'])).stdout) as {
      services: { service: string; health?: string }[];
    };
    expect(report.services.find((s) => s.service === 'loki')).toMatchObject({ health: 'healthy' });
    // Loki's data volume, owned by Loki's user as the image's /loki is.
    const listing = await execa('docker', ['exec', `${NAME}-loki-1`, 'ls', '-nd', '/loki']);
    expect(listing.stdout.split(/\s+/)[2]).toBe('10001');
  });

  it('has Prometheus scraping Loki', async () => {
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.length === 6 ? up : undefined;
    }, 60);
    expect(jobs).toEqual([
      'grafana',
      'jaeger',
      'loki',
      'otel-collector',
      'otel-collector-exporter',
      'prometheus',
    ]);
  });

  it('passes the logs hop of verify: a record sent over OTLP/HTTP reaches Loki through the collector', async () => {
    const result = await stackgen(['verify', '--json', '--timeout', '10']);
    const report = JSON.parse(result.stdout) as {
      service: string;
      traceIds: { http?: string };
      hops: { id: string; step: number; status: string; detail: string }[];
    };
    const hop = (id: string) => report.hops.find((h) => h.id === id)!;
    // The stand-in collector speaks no gRPC and Jaeger stores nothing: those hops fail, as in runtime.test.ts.
    expect(hop('otlp-grpc').status).toBe('fail');
    expect(hop('grafana')).toMatchObject({ status: 'pass', detail: 'healthy: prometheus, jaeger, loki' });
    expect(hop('logs')).toMatchObject({ step: 7, status: 'pass' });
    expect(hop('logs').detail).toMatch(
      new RegExp(
        `^Loki returns the record "stackgen verify log [0-9a-f]{12}" \\(GET http://127\\.0\\.0\\.1:${PORTS.loki}/loki/api/v1/query_range\\)$`,
      ),
    );
    // What Loki keeps is the record as the collector forwarded it, in the synthetic trace.
    const kept = await execa('docker', ['exec', `${NAME}-loki-1`, 'sh', '-c', 'cat /loki/records/*']);
    expect(kept.stdout).toContain(report.service);
    expect(kept.stdout).toContain(`"traceId":"${report.traceIds.http}"`);
  });

  it('fails the logs hop, naming Loki, when Loki is stopped', async () => {
    await execa('docker', ['stop', `${NAME}-loki-1`]);
    const result = await stackgen(['verify', '--json', '--timeout', '2']);
    const report = JSON.parse(result.stdout) as {
      hops: { id: string; status: string; detail: string; hint: string }[];
    };
    const logs = report.hops.find((h) => h.id === 'logs')!;
    expect(logs.status).toBe('fail');
    expect(logs.detail).toContain(`nothing listens on 127.0.0.1:${PORTS.loki}`);
    expect(logs.hint).toContain(`"stackgen logs ${NAME} otel-collector loki"`);
    expect((await stackgen(['up'])).exitCode).toBe(0);
  });

  it('goes down keeping the logs volume, and deletes it with --volumes', async () => {
    expect((await stackgen(['down'])).exitCode).toBe(0);
    expect(await containers(NAME)).toEqual([]);
    expect(await volumes(NAME)).toContain(`${NAME}_loki-data`);
    expect((await stackgen(['down', '--volumes', '--yes'])).exitCode).toBe(0);
    expect(await volumes(NAME)).not.toContain(`${NAME}_loki-data`);
  });
});

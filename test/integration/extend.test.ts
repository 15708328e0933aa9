/**
 * A stack extended with a team's own files on the real Docker engine with the real Docker Compose v2:
 * a dashboard, a rule file, a compose file of theirs (a Pushgateway, through compose's include) and patches.
 *
 * Real: the engine, Compose (include, the merged project, up and down of the included service), the
 * generated files and the patches in them, the mounts, and Prometheus (Debian's binary) loading the team's
 * rule file and scraping the included service. Stand-ins (fakes, see standins/README.md): the collector,
 * Jaeger, Grafana (it has no dashboard API: the test reads the dashboard as mounted in its container) and
 * the Pushgateway.
 */
import { execa } from 'execa';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containers, createProject, dispose, eventually, stackgenIn, upTargets } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgext';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = { grpc: 27317, http: 27318, health: 27133, jaeger: 27686, prometheus: 27090, grafana: 27000 };
const ROOT = path.resolve(import.meta.dirname, '../..');

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;

async function prometheus<T>(query: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${PORTS.prometheus}${query}`);
  return ((await response.json()) as { data: T }).data;
}

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: jaeger
grafana:
  extraDashboards: [team/dashboards]
prometheus:
  ruleFiles: [team/rules/checkout.yml]
include: [team/pushgateway.compose.yaml]
patches:
  - file: compose.yaml
    merge:
      services:
        grafana:
          environment:
            GF_AUTH_ANONYMOUS_ENABLED: "true"
  - file: prometheus/prometheus.yml
    jsonPatch:
      - op: add
        path: /scrape_configs/-
        value: {job_name: pushgateway, honor_labels: true, static_configs: [{targets: ["pushgateway:9091"]}]}
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    jaeger: { ui: ${PORTS.jaeger} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
    'team/pushgateway.compose.yaml': `services:\n  pushgateway:\n    image: ${STANDINS.pushgateway}\n    networks: [${NAME}-net]\n`,
  });
  await cp(path.join(ROOT, 'test/fixtures/extended/dashboards'), path.join(project, 'team/dashboards'), {
    recursive: true,
  });
  await cp(path.join(ROOT, 'test/fixtures/extended/rules'), path.join(project, 'team/rules'), {
    recursive: true,
  });
  stackgen = stackgenIn(project);
  const generate = await stackgen(['generate']);
  expect(generate.exitCode, generate.stderr).toBe(0);
});

afterAll(() => dispose([NAME], project));

describe.sequential('a stack extended with a team’s own files, on the real engine', () => {
  it('comes up with the included service, which status shows', async () => {
    const result = await stackgen(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse((await stackgen(['status', '--json'])).stdout) as {
      state: string;
      services: { service: string; image: string; state: string }[];
    };
    expect(report.state).toBe('running');
    expect(report.services.find((s) => s.service === 'pushgateway')).toMatchObject({
      image: STANDINS.pushgateway,
      state: 'running',
    });
  });

  it("has the real Prometheus evaluating the team's rules and scraping the included service", async () => {
    const { groups } = await prometheus<{
      groups: { name: string; file: string; rules: { name: string }[] }[];
    }>('/api/v1/rules');
    expect(groups.find((g) => g.name === 'checkout')).toMatchObject({
      file: '/etc/prometheus/rules.d/1/checkout.yml',
      rules: [{ name: 'checkout:orders:rate5m' }, { name: 'CheckoutStalled' }],
    });
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.includes('pushgateway') ? up : undefined;
    }, 60);
    expect(jobs).toContain('pushgateway');
  });

  it("mounts the team's dashboard into Grafana, with the patched environment", async () => {
    const exec = (command: string) =>
      execa('docker', ['compose', '-p', NAME, 'exec', '-T', 'grafana', 'sh', '-c', command]);
    const dashboard = JSON.parse((await exec('cat /etc/grafana/dashboards-extra/1/checkout.json')).stdout);
    expect(dashboard.uid).toBe('checkout-overview');
    expect((await exec('echo "$GF_AUTH_ANONYMOUS_ENABLED"')).stdout.trim()).toBe('true');
  });

  it('stops the included service with the stack', async () => {
    expect((await stackgen(['down'])).exitCode).toBe(0);
    expect(await containers(NAME)).toEqual([]);
  });
});

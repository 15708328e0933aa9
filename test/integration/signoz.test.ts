/**
 * The SigNoz stack on the real Docker engine with the real Docker Compose v2.
 *
 * Real: the engine, Compose, the generated files, the ordering of Keeper → user scripts step → ClickHouse →
 * schema migrator → SigNoz → collector (service_healthy and service_completed_successfully), the generated
 * histogramQuantile download script (run by busybox, from a mirror URL set in the stack file, retrying until
 * the mirror answers), .env secrets reaching SigNoz, and Prometheus (Debian's binary) scraping the collector.
 * Stand-ins (fakes, see standins/README.md): ClickHouse, ClickHouse Keeper, SigNoz, its collector and
 * migrator, Grafana (which also plays the mirror).
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containers, createProject, dispose, eventually, stackgenIn, upTargets } from './helpers.js';
import { buildStandins, STANDINS, writeUdfArchives } from './standins.js';

const NAME = 'sgsignoz';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = { grpc: 26317, http: 26318, health: 26133, signoz: 26080, prometheus: 26090, grafana: 26000 };

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: signoz
signoz:
  histogramQuantileUrl: http://grafana:3000/udf
  # This test machine's engine may not grant more open files than its own limit (20000 here, where
  # Debian's docker.service grants 1048576), so ClickHouse asks for fewer than the default 262144.
  clickhouse: { openFilesLimit: 16384 }
prometheus:
  enabled: true
grafana:
  enabled: true
  dashboards: [collector]
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    signoz: { ui: ${PORTS.signoz} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
images:
  overrides:
    clickhouse-keeper: ${STANDINS.clickhouseKeeper}
    clickhouse: ${STANDINS.clickhouse}
    otel-collector: ${STANDINS.signozCollector}
    signoz: ${STANDINS.signoz}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
  });
  stackgen = stackgenIn(project);
  expect((await stackgen(['generate'])).exitCode).toBe(0);
});

afterAll(() => dispose([NAME], project));

describe.sequential('the SigNoz stack on the real engine', () => {
  it('comes up in dependency order, its one-shot steps completed, every service healthy', async () => {
    const result = await stackgen(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`SigNoz (admin admin@example.com)  http://127.0.0.1:${PORTS.signoz}`);
    const report = JSON.parse((await stackgen(['status', '--json'])).stdout);
    expect(report.state).toBe('running');
    const states = Object.fromEntries(
      report.services.map((s: { service: string; state: string; health: string }) => [
        s.service,
        `${s.state}/${s.health}`,
      ]),
    );
    expect(states).toEqual({
      'clickhouse-keeper': 'running/healthy',
      'clickhouse-user-scripts': 'exited/none',
      clickhouse: 'running/healthy',
      'schema-migrator': 'exited/none',
      signoz: 'running/healthy',
      'otel-collector': 'running/healthy',
      prometheus: 'running/healthy',
      grafana: 'running/healthy',
    });
  });

  it('fetched histogramQuantile from the mirror the stack file names', async () => {
    const logs = await stackgen(['logs', NAME, 'clickhouse-user-scripts']);
    expect(logs.stdout).toContain(
      'histogramQuantile installed from http://grafana:3000/udf/histogram-quantile_linux_',
    );
  });

  it('ran the schema migrations before SigNoz and the collector', async () => {
    const logs = await stackgen(['logs', NAME, 'schema-migrator']);
    for (const step of ['ready', 'bootstrap', 'sync up', 'async up'])
      expect(logs.stdout).toContain(`stand-in migrate ${step}: done`);
  });

  it('accepts OTLP over HTTP on 127.0.0.1', async () => {
    const response = await fetch(`http://127.0.0.1:${PORTS.http}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
    });
    expect(response.status).toBe(200);
    const logs = await stackgen(['logs', NAME, 'otel-collector']);
    expect(logs.stdout).toContain('received POST /v1/traces (20 bytes, application/json)');
  });

  it("has Prometheus scraping the collector's own metrics", async () => {
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.length === 3 ? up : undefined;
    }, 60);
    expect(jobs).toEqual(['grafana', 'otel-collector', 'prometheus']);
  });

  it("keeps SigNoz's organisation id in .env, so a rename never makes a second organisation", async () => {
    const env = path.join(project!, `deploy/${NAME}/.env`);
    const id = /^SIGNOZ_ORG_ID=(\S+)$/m.exec(await readFile(env, 'utf8'))?.[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const context = await fetch(
      `http://127.0.0.1:${PORTS.signoz}/api/v2/sessions/context?email=admin@example.com`,
    );
    expect(await context.json()).toMatchObject({ data: { orgs: [{ id }] } });
  });

  it('reads the id into a .env that predates it, and hands it to SigNoz at the next up', async () => {
    const env = path.join(project!, `deploy/${NAME}/.env`);
    // An older stackgen wrote no id: SigNoz then made the organisation with one of its own.
    await writeFile(
      env,
      (await readFile(env, 'utf8')).replace(/^# ID of the SigNoz.*\nSIGNOZ_ORG_ID=.*\n/m, ''),
    );
    const up = await stackgen(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain(
      `deploy/${NAME}/.env: kept the id of SigNoz's organisation "${NAME}" (SIGNOZ_ORG_ID=0199c0de-5a1e-7000-8000-00000000beef)`,
    );
    expect(await readFile(env, 'utf8')).toMatch(/^SIGNOZ_ORG_ID=0199c0de-5a1e-7000-8000-00000000beef$/m);
    expect((await stackgen(['up'])).exitCode).toBe(0);
    const signoz = await execa('docker', [
      'compose',
      '-p',
      NAME,
      'exec',
      '-T',
      'signoz',
      'sh',
      '-c',
      'echo "$SIGNOZ_USER_ROOT_ORG_ID"',
    ]);
    expect(signoz.stdout.trim()).toBe('0199c0de-5a1e-7000-8000-00000000beef');
  });

  it('goes down, and a second up needs no download', async () => {
    expect((await stackgen(['down'])).exitCode).toBe(0);
    expect(await containers(NAME)).toEqual([]);
    expect((await stackgen(['up'])).exitCode).toBe(0);
    const logs = await stackgen(['logs', NAME, 'clickhouse-user-scripts']);
    expect(logs.stdout).toContain('histogramQuantile is in place');
    expect((await stackgen(['down', '--volumes', '--yes'])).exitCode).toBe(0);
  });

  /** The stack file with one line of its signoz section replaced, then generated. */
  async function withSignozLine(line: string): Promise<void> {
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const text = (await readFile(file, 'utf8')).replace(/^ {2}histogramQuantile\w+: .*$/m, `  ${line}`);
    await writeFile(file, text);
    const generated = await stackgen(['generate']);
    expect(generated.exitCode, generated.stderr).toBe(0);
  }

  it('fails at once when the histogramQuantile download fails, naming the URL', async () => {
    // 127.0.0.1 inside the step's container: nothing listens on port 9, so the download is refused at once.
    await withSignozLine('histogramQuantileUrl: http://127.0.0.1:9/udf');
    const result = await stackgen(['up', '--wait-timeout', '300']);
    expect(result.exitCode).toBe(1);
    // Not the timeout: compose stops at the step's failed exit, and up says so.
    expect(result.stderr).toContain(`${NAME} failed to start.`);
    expect(result.stderr).toMatch(/clickhouse-user-scripts: exited \(code 1\)/);
    expect(result.stderr).toContain('could not download http://127.0.0.1:9/udf/histogram-quantile_linux_');
    expect(await containers(NAME)).toEqual([]);
  });

  it('takes histogramQuantile from a folder of the repository, downloading nothing', async () => {
    await writeUdfArchives(path.join(project!, 'vendor/histogram-quantile'));
    await withSignozLine('histogramQuantileDir: vendor/histogram-quantile');
    const result = await stackgen(['up']);
    expect(result.exitCode, result.stderr).toBe(0);
    const logs = await stackgen(['logs', NAME, 'clickhouse-user-scripts']);
    expect(logs.stdout).toContain(
      'histogramQuantile installed from /etc/stackgen/histogram-quantile/histogram-quantile_linux_',
    );
    expect((await stackgen(['down', '--volumes', '--yes'])).exitCode).toBe(0);
  });

  it('refuses at once an open-files limit the engine does not grant, naming the key', async (context) => {
    const limit = 1048576;
    const granted = await execa(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--ulimit',
        `nofile=${limit}:${limit}`,
        '--entrypoint',
        'sh',
        STANDINS.clickhouse,
        '-c',
        'true',
      ],
      { reject: false },
    );
    // An engine allowed 1048576 open files (Debian's docker.service) grants it: nothing to refuse there.
    if (granted.exitCode === 0) context.skip();
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('openFilesLimit: 16384', `openFilesLimit: ${limit}`),
    );
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const result = await stackgen(['up']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `The Docker engine refuses ClickHouse's open-files limit of ${limit} (signoz.clickhouse.openFilesLimit)`,
    );
    // Refused before anything started.
    expect(result.stderr).not.toContain('Starting');
    expect(await containers(NAME)).toEqual([]);
  });
});

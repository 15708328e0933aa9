/**
 * `stackgen plan` against a running stack on the real Docker engine with the real Docker Compose v2: the
 * config hashes compose itself computes, the containers, images and volumes the engine reports.
 *
 * Real: the engine, Compose (`config --hash`, `config --format json`, up and down), the generated files.
 * Stand-ins (fakes, see standins/README.md): the collector, Jaeger, Prometheus' neighbours and Grafana images.
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, dispose, stackgenIn } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgplan';
const PORTS = { grpc: 29317, http: 29318, health: 29133, jaeger: 29686, prometheus: 29090, grafana: 29000 };
const ABSENT_IMAGE = 'stackgen-standin/never-built:plan';

let project: string;
let stackgen: ReturnType<typeof stackgenIn>;
let original: string;

const stackFile = () => path.join(project, `stacks/${NAME}.yaml`);

function stackYaml(extra = '', grafanaImage: string = STANDINS.grafana, app = true): string {
  return `name: ${NAME}
backend: jaeger
${extra}exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    jaeger: { ui: ${PORTS.jaeger} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
${app ? 'apps:\n  - service: web\n    composeFile: app/compose.yaml\n' : ''}images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    prometheus: ${STANDINS.prometheus}
    grafana: ${grafanaImage}
`;
}

interface Report {
  files: { path: string; change: string; diff?: string }[];
  secretsAdded: string[];
  engine:
    | {
        planned: true;
        reachable: true;
        host: string;
        services: { service: string; action: string; reasons: string[] }[];
        pulls: { service: string; image: string }[];
        volumes: { name: string; size: string }[];
      }
    | { planned: false; reachable: boolean; host?: string; reason: string };
  changes: boolean;
}

async function planJson(env: Record<string, string> = {}): Promise<Report> {
  const result = await stackgen(['plan', '--json'], env);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

const actions = (report: Report) =>
  report.engine.planned
    ? Object.fromEntries(report.engine.services.map((s) => [s.service, s.action]))
    : undefined;

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: stackYaml(),
    'app/compose.yaml': `services:\n  web:\n    image: ${STANDINS.app}\n`,
  });
  stackgen = stackgenIn(project);
  expect((await stackgen(['generate'])).exitCode).toBe(0);
  const up = await stackgen(['up']);
  expect(up.exitCode, up.stderr).toBe(0);
  original = await readFile(stackFile(), 'utf8');
}, 240_000);

afterAll(async () => {
  await execa('docker', ['rm', '-f', `${NAME}-old-worker`], { reject: false });
  await dispose([NAME], project);
});

describe.sequential('stackgen plan on a running stack', () => {
  it('says nothing would change on a stack that is up to date, and exits 0 with --exit-code', async () => {
    const report = await planJson();
    expect(report.files).toEqual([]);
    expect(report.changes).toBe(false);
    expect(actions(report)).toEqual({
      grafana: 'unchanged',
      jaeger: 'unchanged',
      'otel-collector': 'unchanged',
      prometheus: 'unchanged',
    });
    expect(report.engine.planned && report.engine.volumes.map((v) => v.name)).toEqual(
      expect.arrayContaining([`${NAME}_grafana-data`, `${NAME}_jaeger-data`, `${NAME}_prometheus-data`]),
    );
    const text = await stackgen(['plan', '--exit-code']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Files in deploy/${NAME}: up to date.`);
    expect(text.stdout).toContain('leave     grafana, jaeger, otel-collector, prometheus (unchanged)');
    expect(text.stdout).toContain('No changes.');
  });

  it('shows a changed config as a diff and the services that mount it as recreated, writing nothing', async () => {
    await writeFile(
      stackFile(),
      original.replace('backend: jaeger\n', 'backend: jaeger\ncollector:\n  batch:\n    timeout: 3s\n'),
    );
    const before = await readFile(path.join(project, `deploy/${NAME}/collector/config.yaml`), 'utf8');
    const report = await planJson();
    expect(report.files.map((f) => `${f.change} ${f.path}`)).toEqual(
      expect.arrayContaining(['update collector/config.yaml', 'update compose.yaml']),
    );
    const diff = report.files.find((f) => f.path === 'collector/config.yaml')!.diff!;
    expect(diff).toMatch(/^-\s+timeout: \S+$/m);
    expect(diff).toMatch(/^\+\s+timeout: "3s"$/m);
    expect(
      report.engine.planned && report.engine.services.find((s) => s.service === 'otel-collector'),
    ).toEqual({
      service: 'otel-collector',
      action: 'recreate',
      reasons: ['a file it mounts changed'],
    });
    expect(actions(report)).toMatchObject({ jaeger: 'unchanged', grafana: 'unchanged' });
    expect(await readFile(path.join(project, `deploy/${NAME}/collector/config.yaml`), 'utf8')).toBe(before);
    const exit = await stackgen(['plan', '--exit-code']);
    expect(exit.exitCode).toBe(3);
    expect(exit.stderr).toBe('');
  });

  it('names a changed image, and an image the engine lacks as one to pull', async () => {
    await writeFile(stackFile(), stackYaml('', ABSENT_IMAGE));
    const report = await planJson();
    expect(report.engine.planned && report.engine.services.find((s) => s.service === 'grafana')).toEqual({
      service: 'grafana',
      action: 'recreate',
      reasons: [`image ${STANDINS.grafana} → ${ABSENT_IMAGE}`],
    });
    expect(report.engine.planned && report.engine.pulls).toEqual([
      { service: 'grafana', image: ABSENT_IMAGE },
    ]);
  });

  it('lists the override file of a removed app as deleted', async () => {
    await writeFile(stackFile(), stackYaml('', STANDINS.grafana, false));
    const report = await planJson();
    expect(report.files).toContainEqual(
      expect.objectContaining({ path: 'apps/web.override.yaml', change: 'delete' }),
    );
    const diff = report.files.find((f) => f.path === 'apps/web.override.yaml')!.diff!;
    expect(diff.split('\n').slice(0, 2)).toEqual([
      `--- deploy/${NAME}/apps/web.override.yaml`,
      '+++ /dev/null',
    ]);
  });

  it('names a container of the project whose service is gone as removed (an orphan)', async () => {
    await writeFile(stackFile(), original);
    await execa('docker', [
      'run',
      '-d',
      '--name',
      `${NAME}-old-worker`,
      '--label',
      `com.docker.compose.project=${NAME}`,
      '--label',
      'com.docker.compose.service=old-worker',
      '--label',
      'com.docker.compose.oneoff=False',
      STANDINS.busybox,
      'sleep',
      '600',
    ]);
    const report = await planJson();
    expect(report.engine.planned && report.engine.services.find((s) => s.service === 'old-worker')).toEqual({
      service: 'old-worker',
      action: 'remove',
      reasons: ['no longer in the stack (an orphan)'],
    });
    expect(report.changes).toBe(true);
    await execa('docker', ['rm', '-f', `${NAME}-old-worker`]);
  });

  it('plans the files alone when the engine does not answer, and says so', async () => {
    await writeFile(stackFile(), stackYaml('', STANDINS.grafana, false));
    const report = await planJson({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(report.engine).toEqual({
      planned: false,
      reachable: false,
      reason: expect.stringContaining('does not answer'),
    });
    expect(report.files).toContainEqual(
      expect.objectContaining({ path: 'apps/web.override.yaml', change: 'delete' }),
    );
    const text = await stackgen(['plan'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(text.stdout).toContain(
      'The running stack: not planned (the Docker engine at unix:///nonexistent/docker.sock does not answer',
    );
  });

  it('says when the engine answered but Compose refused the files, naming what it refused', async () => {
    const envFile = path.join(project, `deploy/${NAME}/.env`);
    const env = await readFile(envFile, 'utf8');
    await writeFile(envFile, `${env}BROKEN="unterminated\n`);
    try {
      const report = await planJson();
      expect(report.engine).toEqual({
        planned: false,
        reachable: true,
        host: expect.any(String),
        reason: expect.stringContaining('unterminated quoted value'),
      });
      const text = await stackgen(['plan']);
      expect(text.stdout).toMatch(/The running stack on \S+: not planned \(docker compose config failed/);
    } finally {
      await writeFile(envFile, env);
    }
  });

  it('up prints the same summary before it starts, then plan finds nothing left to do', async () => {
    await writeFile(
      stackFile(),
      original.replace('backend: jaeger\n', 'backend: jaeger\ncollector:\n  batch:\n    timeout: 3s\n'),
    );
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const up = await stackgen(['up']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain(
      `What starting ${NAME} changes ("stackgen plan" tells before):\n  recreate  otel-collector: a file it mounts changed\n  leave     grafana, jaeger, prometheus (unchanged)`,
    );
    const report = await planJson();
    expect(report.changes).toBe(false);
  });
});

/**
 * stackgen up / down / status / logs on the real Docker engine with the real Docker Compose v2.
 *
 * Real: the engine, Compose, the generated files, networks, volumes, published ports, healthchecks,
 * depends_on ordering, Prometheus (Debian's binary) with its scraping, and the spans stackgen verify sends. Stand-ins (fakes, see
 * standins/README.md) replace the collector, Jaeger and Grafana images, through the stack file's
 * images.overrides, because no image can be pulled here.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  BIN,
  containers as containersOf,
  createProject,
  dispose,
  eventually,
  sameEngineContext,
  stackgenIn,
  upTargets,
  volumes as volumesOf,
} from './helpers.js';
import { up } from '../../src/commands/up.js';
import { lockPath, stackLock } from '../../src/lock.js';
import { captureIo } from '../helpers/testdir.js';
import { buildStandins, JAEGER_STACK_HOPS, STANDINS } from './standins.js';

const NAME = 'sgit';
// Below the ephemeral port range (32768 and up on Linux), so no outgoing connection of this machine holds one.
const PORTS = { grpc: 24317, http: 24318, health: 23133, jaeger: 26686, prometheus: 29090, grafana: 23000 };

function stackFile(jaegerImage: string = STANDINS.jaeger): string {
  return `name: ${NAME}
backend: jaeger
exposure:
  ports:
    collector: { otlpGrpc: ${PORTS.grpc}, otlpHttp: ${PORTS.http}, health: ${PORTS.health} }
    jaeger: { ui: ${PORTS.jaeger} }
    prometheus: { ui: ${PORTS.prometheus} }
    grafana: { ui: ${PORTS.grafana} }
apps:
  - service: web
    composeFile: app/compose.yaml
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${jaegerImage}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`;
}

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;
const containers = () => containersOf(NAME);
const volumes = () => volumesOf(NAME);

const appCompose = (...args: string[]) =>
  execa(
    'docker',
    ['compose', '-f', 'app/compose.yaml', '-f', `deploy/${NAME}/apps/web.override.yaml`, ...args],
    {
      cwd: project,
    },
  );

/** The lock file of this stack's up and down, keyed by the engine's own id. */
async function stackLockFile(): Promise<string> {
  const { stdout } = await execa('docker', ['info', '--format', '{{.ID}}']);
  return lockPath(stackLock(stdout.trim(), NAME));
}

async function prometheus<T>(query: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${PORTS.prometheus}${query}`);
  return ((await response.json()) as { data: T }).data;
}

beforeAll(async () => {
  await buildStandins();
  await dispose([NAME, 'app'], undefined);
  project = await createProject({
    [`stacks/${NAME}.yaml`]: stackFile(),
    'app/compose.yaml': `services:\n  web:\n    image: ${STANDINS.app}\n`,
  });
  stackgen = stackgenIn(project);
  expect((await stackgen(['generate'])).exitCode).toBe(0);
});

afterAll(() => dispose(['app', NAME], project));

describe.sequential('the Jaeger stack on the real engine', () => {
  it('comes up with every service healthy, and says where everything is', async () => {
    const result = await stackgen(['up']);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${NAME} is up (4 services`);
    expect(result.stdout).toContain(`Jaeger UI             http://127.0.0.1:${PORTS.jaeger}`);
    expect(result.stdout).toContain(`OTLP over gRPC        127.0.0.1:${PORTS.grpc}`);
    expect(result.stdout).toContain('in the network: http://otel-collector:4318');
    expect(result.stderr).toContain('jaeger: healthy');
  });

  it('brings a changed config to the running service: generate, then up recreates what mounts it', async () => {
    const before = (await execa('docker', ['inspect', `${NAME}-otel-collector-1`, '--format', '{{.Id}}']))
      .stdout;
    const jaegerBefore = (await execa('docker', ['inspect', `${NAME}-jaeger-1`, '--format', '{{.Id}}']))
      .stdout;
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const original = await readFile(file, 'utf8');
    onTestFinished(() => writeFile(file, original));
    await writeFile(file, `${original}collector:\n  batch:\n    timeout: 750ms\n`);
    // With nobody to ask (no terminal), up says what to run and starts nothing.
    const stale = await stackgen(['up']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(
      `deploy/${NAME} is not up to date with stacks/${NAME}.yaml (collector/config.yaml stale, compose.yaml stale)`,
    );
    expect(stale.stderr).toContain('run "npx stackgen generate", then "stackgen up" again');
    // On a terminal it offers to generate first, and goes on.
    const asked: string[] = [];
    const io = { ...captureIo(), ask: async (question: string) => (asked.push(question), 'y') };
    await up({ cwd: project!, io, stack: undefined, waitTimeout: 180, keepOnFailure: false });
    expect(asked).toEqual([
      `stacks/${NAME}.yaml changed since deploy/${NAME} was generated (collector/config.yaml stale, compose.yaml stale). Generate now? [Y/n] `,
    ]);
    expect(io.stderr).toContain(`Generated deploy/${NAME} from stacks/${NAME}.yaml.`);
    const after = (await execa('docker', ['inspect', `${NAME}-otel-collector-1`, '--format', '{{.Id}}']))
      .stdout;
    expect(after).not.toBe(before);
    expect((await execa('docker', ['inspect', `${NAME}-jaeger-1`, '--format', '{{.Id}}'])).stdout).toBe(
      jaegerBefore,
    );
    const { stdout } = await execa('docker', [
      'exec',
      `${NAME}-otel-collector-1`,
      'grep',
      'timeout:',
      '/etc/otelcol-contrib/config.yaml',
    ]);
    expect(stdout).toContain('"750ms"');
    await writeFile(file, original);
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    expect((await stackgen(['up'])).exitCode).toBe(0);
  });

  it('reports every service running and healthy in status --json', async () => {
    const result = await stackgen(['status', '--json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      stack: NAME,
      file: `stacks/${NAME}.yaml`,
      project: NAME,
      state: 'running',
    });
    expect(
      report.services.map((s: { service: string; state: string; health: string; healthSource: string }) => [
        s.service,
        s.state,
        s.health,
        s.healthSource,
      ]),
    ).toEqual([
      ['otel-collector', 'running', 'healthy', 'probe'],
      ['jaeger', 'running', 'healthy', 'docker'],
      ['prometheus', 'running', 'healthy', 'docker'],
      ['grafana', 'running', 'healthy', 'docker'],
    ]);
    expect(report.services[0].ports).toEqual(
      expect.arrayContaining([
        { hostIp: '127.0.0.1', hostPort: PORTS.grpc, containerPort: 4317, protocol: 'tcp' },
      ]),
    );
  });

  it('runs an app from the generated override on its own and the stack networks, reaching the collector by name', async () => {
    await appCompose('up', '-d');
    const { stdout: networks } = await execa('docker', [
      'inspect',
      'app-web-1',
      '--format',
      '{{json .NetworkSettings.Networks}}',
    ]);
    expect(Object.keys(JSON.parse(networks)).sort()).toEqual(['app_default', `${NAME}-apps`, `${NAME}-net`]);
    const { stdout } = await appCompose(
      'exec',
      '-T',
      'web',
      'sh',
      '-c',
      'wget -q -O - --post-data "{}" --header "Content-Type: application/json" "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces"',
    );
    expect(stdout).toBe('{}');
    const logs = await stackgen(['logs', 'otel-collector']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toContain('stand-in otel-collector: received POST /v1/traces');

    // down while the app runs: the networks it uses stay, and down says which container holds them.
    const down = await stackgen(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    for (const network of [`${NAME}-apps`, `${NAME}-net`]) {
      expect(down.stdout).toContain(
        `Kept the network ${network}: app-web-1 still uses it. It goes with the next "stackgen down ${NAME}" once they stop (or with "docker network rm ${network}").`,
      );
    }
    expect(await containers()).toEqual([]);
    await appCompose('down');
    expect((await stackgen(['down'])).stdout).not.toContain('Kept the network');
    expect((await execa('docker', ['network', 'ls', '-q', '--filter', `name=${NAME}-`])).stdout).toBe('');
    expect((await stackgen(['up'])).exitCode).toBe(0);
  });

  it('names the running project of a renamed stack, and the folder it left behind', async () => {
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace(`name: ${NAME}`, `name: ${NAME}b`));
    // Put back even when an expectation fails: the tests after this one start the stack by its name.
    onTestFinished(() => writeFile(file, original));
    const generated = await stackgen(['generate']);
    expect(generated.exitCode, generated.stderr).toBe(0);
    expect(generated.stderr).toContain(
      `warning: deploy/${NAME} was generated from stacks/${NAME}.yaml, which no longer writes there`,
    );
    const check = await stackgen(['generate', '--check']);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain(`orphaned folder: deploy/${NAME} `);
    const status = await stackgen(['status']);
    expect(status.stderr).toContain(
      `warning: the compose project ${NAME} (deploy/${NAME}/compose.yaml) has containers, but no stack of this project is named ${NAME} any more (renamed?): "docker compose -p ${NAME} down" removes them`,
    );
    await writeFile(file, original);
    await rm(path.join(project!, `deploy/${NAME}b`), { recursive: true });
    expect((await stackgen(['generate', '--check'])).exitCode).toBe(0);
    expect((await stackgen(['status'])).stderr).not.toContain('renamed?');
  });

  it('has the real Prometheus scraping every configured target, on 127.0.0.1', async () => {
    const jobs = await eventually(async () => {
      const up = await upTargets(PORTS.prometheus);
      return up.length === 5 ? up : undefined;
    }, 60);
    expect(jobs).toEqual(['grafana', 'jaeger', 'otel-collector', 'otel-collector-exporter', 'prometheus']);
  });

  it('has the real Prometheus evaluating the stack-health alerts from the mounted rule file', async () => {
    const { groups } = await prometheus<{
      groups: { name: string; file: string; rules: { name: string; health: string; type: string }[] }[];
    }>('/api/v1/rules');
    expect(groups.map((g) => [g.name, g.file])).toEqual([
      [`${NAME}-stack-health`, '/etc/prometheus/rules/stack-health.yml'],
    ]);
    expect(groups[0]!.rules.map((r) => [r.name, r.type])).toEqual(
      [
        'CollectorDown',
        'CollectorRefusingData',
        'CollectorExportFailing',
        'CollectorQueueNearlyFull',
        'CollectorMemoryNearLimit',
        'StackServiceDown',
      ].map((name) => [name, 'alerting']),
    );
    // Evaluated without error (a rule's health turns "err" when its query fails; "unknown" until evaluated).
    await eventually(async () => {
      const now = await prometheus<{ groups: { rules: { health: string }[] }[] }>('/api/v1/rules');
      return now.groups[0]!.rules.every((r) => r.health === 'ok') ? true : undefined;
    }, 60);
  });

  it('verifies hop by hop as far as the stand-ins go, naming each hop that fails', async () => {
    // Real here: the spans (OpenTelemetry JS SDK, official OTLP exporters) through the published ports,
    // Prometheus and its query API, .env and the admin credentials. The stand-ins answer OTLP/HTTP but not
    // gRPC, store no traces and make no span metrics, so those hops must fail, and say so.
    const result = await stackgen(['verify', '--json', '--timeout', '5']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toBe('verify failed at hop 2 (OTLP/gRPC export) and 2 later hops');
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      service: string;
      traceIds: { http?: string; grpc?: string };
      hops: { id: string; status: string; detail: string; hint?: string }[];
    };
    const hop = (id: string) => report.hops.find((h) => h.id === id)!;
    expect(report.ok).toBe(false);
    expect(report.hops.map((h) => [h.id, h.status])).toEqual(JAEGER_STACK_HOPS);
    expect(hop('collector-health').detail).toBe(`http://127.0.0.1:${PORTS.health}/ answers`);
    expect(hop('otlp-http').detail).toBe(
      `trace ${report.traceIds.http} accepted at http://127.0.0.1:${PORTS.http}/v1/traces`,
    );
    expect(hop('otlp-grpc').hint).toMatch(/^check the port takes OTLP over gRPC, not HTTP \(port 4318\)/);
    expect(hop('backend').detail).toContain(
      `Jaeger did not return ${report.traceIds.http} within the time limit`,
    );
    expect(hop('backend').detail).toContain('not found (404)');
    expect(hop('span-metrics').detail).toContain(
      `Prometheus (http://127.0.0.1:${PORTS.prometheus}) has no series for traces_span_metrics_calls_total{service_name="${report.service}"}`,
    );
    expect(hop('grafana').detail).toBe('healthy: prometheus, jaeger');
    // The stand-in collector got the exporter's protobuf.
    const logs = await stackgen(['logs', 'otel-collector']);
    expect(logs.stdout).toContain('received POST /v1/traces');
    expect(logs.stdout).toContain('application/x-protobuf');
  });

  it('refuses a .env made anew while the data stays, and up --new-secrets hands the data the new secrets', async () => {
    const env = path.join(project!, `deploy/${NAME}/.env`);
    const password = (text: string) => /^GRAFANA_ADMIN_PASSWORD=(.*)$/m.exec(text)![1]!;
    const grafanaAnswers = (user: string) =>
      fetch(`http://127.0.0.1:${PORTS.grafana}/api/datasources/uid/prometheus/health`, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${user}`).toString('base64')}` },
      }).then((r) => r.status);
    const before = await readFile(env, 'utf8');
    expect(await grafanaAnswers(password(before))).toBe(200);

    expect((await stackgen(['down'])).exitCode).toBe(0);
    await rm(env);
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const after = await readFile(env, 'utf8');
    expect(password(after)).not.toBe(password(before));

    const refused = await stackgen(['up']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      `deploy/${NAME}/.env is not the .env the data of ${NAME} was made with (${NAME}_grafana-data, ${NAME}_jaeger-data, ${NAME}_prometheus-data): it was deleted or replaced, and its secrets are new, so Grafana's admin password in that data no longer matches.`,
    );
    expect(refused.stderr).toContain(`"stackgen up ${NAME} --new-secrets"`);
    expect(await containers()).toEqual([]);

    const adopted = await stackgen(['up', '--new-secrets']);
    expect(adopted.exitCode, adopted.stderr).toBe(0);
    expect(adopted.stderr).toContain(
      `${NAME} keeps its data and now uses the secrets of deploy/${NAME}/.env.`,
    );
    expect(
      await eventually(async () => ((await grafanaAnswers(password(after))) === 200 ? true : undefined), 15),
    ).toBe(true);
    expect(await grafanaAnswers(password(before))).toBe(401);
    // The data now belongs to this .env: a plain up goes through.
    expect((await stackgen(['up'])).exitCode).toBe(0);
  });

  it('keeps volumes on down, so a second up finds Prometheus data; down --volumes --yes deletes them', async () => {
    const scrapedAt = Math.floor(Date.now() / 1000);
    const samplesAt = (time: number) =>
      prometheus<{ result: unknown[] }>(
        `/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D&time=${time}`,
      ).then((d) => d.result.length);
    expect(await samplesAt(scrapedAt)).toBe(1);

    const down = await stackgen(['down']);
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toBe(
      `${NAME} is down; its data volumes are kept (${NAME}_jaeger-data, ${NAME}_prometheus-data, ${NAME}_grafana-data).`,
    );
    expect(await containers()).toEqual([]);
    expect(await volumes()).toEqual([
      `${NAME}_grafana-data`,
      `${NAME}_jaeger-data`,
      `${NAME}_prometheus-data`,
      // stackgen's mark of which .env the data was made with.
      `${NAME}_stackgen-env`,
    ]);

    expect((await stackgen(['up'])).exitCode).toBe(0);
    expect(await samplesAt(scrapedAt)).toBe(1);

    const refused = await stackgen(['down', '--volumes']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      "--volumes deletes the stack's data; add --yes to confirm when not on a terminal",
    );
    const wiped = await stackgen(['down', '--volumes', '--yes']);
    expect(wiped.exitCode).toBe(0);
    expect(await volumes()).toEqual([]);
    expect(await containers()).toEqual([]);
  });

  it('succeeds in down and status when nothing is up, and verify fails fast at hop 1', async () => {
    expect((await stackgen(['down'])).exitCode).toBe(0);
    const status = await stackgen(['status', '--json']);
    expect(JSON.parse(status.stdout).state).toBe('not created');
    const verify = await stackgen(['verify']);
    expect(verify.exitCode).toBe(1);
    expect(verify.stderr).toBe('verify failed at hop 1 (collector health)');
    expect(verify.stdout).toContain(
      `the collector (otel-collector) does not answer at http://127.0.0.1:${PORTS.health}/`,
    );
    expect(verify.stdout).toContain(`hint: is the stack running? Start it with "stackgen up ${NAME}"`);
  });
});

describe.sequential('concurrency and interruption', () => {
  it('refuses a second up while one runs, and Ctrl-C stops the first waiting cleanly', async () => {
    const first = execa('node', [BIN, 'up'], { cwd: project!, reject: false, env: { NO_COLOR: '1' } });
    await eventually(async () => ((await containers()).length > 0 ? true : undefined), 30);

    const second = await stackgen(['up']);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain(
      `another "stackgen up" (pid ${first.pid}) is working on the ${NAME} stack; wait for it to finish (lock: ${await stackLockFile()})`,
    );
    // Another spelling of the same engine's address is the same engine: still refused.
    const respelt = await stackgen(['up'], { DOCKER_HOST: 'unix:///var/run/../run/docker.sock' });
    expect(respelt.stderr).toContain(`another "stackgen up" (pid ${first.pid})`);

    first.kill('SIGINT');
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(1);
    expect(interrupted.stderr).toContain(
      `stopped waiting (interrupted). Containers already started keep running: "stackgen status ${NAME}" shows them, "stackgen down ${NAME}" removes them.`,
    );
    expect(interrupted.stderr).not.toMatch(/^\s+at /m);
    // The lock went with it: down runs at once.
    expect((await stackgen(['down'])).exitCode).toBe(0);
    expect(await containers()).toEqual([]);
  });
});

describe.sequential('interruption before the wait, and a stack on its way up', () => {
  it('releases the lock when Ctrl-C comes during the checks before starting anything', async () => {
    const lock = await stackLockFile();
    // The checks run in parallel and take a fraction of a second: a docker in front of the real one makes
    // one of them (the listing of the data volumes) slow, so the interrupt surely comes while they run.
    // A context naming the same engine has up ask the CLI, not the engine's API on its socket.
    const bin = await mkdtemp(path.join(tmpdir(), 'stackgen-slow-docker-'));
    onTestFinished(() => rm(bin, { recursive: true, force: true }));
    const realDocker = (await execa('sh', ['-c', 'command -v docker'])).stdout;
    await writeFile(
      path.join(bin, 'docker'),
      `#!/bin/sh\nif [ "$1 $2" = "volume ls" ]; then sleep 5; fi\nexec ${realDocker} "$@"\n`,
      { mode: 0o755 },
    );
    const config = await sameEngineContext(bin, 'same');
    const child = execa('node', [BIN, 'up'], {
      cwd: project!,
      reject: false,
      env: {
        NO_COLOR: '1',
        PATH: `${bin}:${process.env.PATH}`,
        DOCKER_CONFIG: config,
        DOCKER_CONTEXT: 'same',
      },
    });
    try {
      // The lock appears after the engine answered, before the checks that precede starting anything.
      while (!existsSync(lock) && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGINT');
      const result = await child;
      expect(result.signal).toBe('SIGINT');
      expect(result.stderr).toContain('stackgen up: interrupted');
      expect(existsSync(lock)).toBe(false);
    } finally {
      expect((await stackgen(['down'])).exitCode).toBe(0);
    }
  });

  it('says "starting" while containers wait for their first health checks', async () => {
    try {
      // Plain compose, without --wait: it returns once Grafana's dependencies are healthy and Grafana started.
      await execa('docker', ['compose', '-f', `deploy/${NAME}/compose.yaml`, 'up', '-d'], { cwd: project });
      const report = JSON.parse((await stackgen(['status', '--json'])).stdout) as {
        state: string;
        services: { service: string; health: string }[];
      };
      expect(report.services.find((s) => s.service === 'grafana')!.health).toBe('starting');
      expect(report.state).toBe('starting');
      expect((await stackgen(['status'])).stdout).toContain(`${NAME} (stacks/${NAME}.yaml): starting`);
    } finally {
      expect((await stackgen(['down'])).exitCode).toBe(0);
    }
  });
});

describe.sequential('faults', () => {
  it('says so when the engine does not answer, and creates nothing', async () => {
    const result = await stackgen(['up'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^Checking the sgit stack \(stacks\/sgit\.yaml\) before starting it …\nthe Docker engine at unix:\/\/\/nonexistent\/docker\.sock does not answer \(/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await containers()).toEqual([]);
  });

  it('says so when docker is not installed at all', async () => {
    // A PATH that holds node alone (docker often sits beside node in /usr/bin).
    const bin = await mkdtemp(path.join(tmpdir(), 'stackgen-path-'));
    onTestFinished(() => rm(bin, { recursive: true, force: true }));
    await symlink(process.execPath, path.join(bin, 'node'));
    const result = await stackgen(['up'], { PATH: bin });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'docker was not found on the PATH: install Docker Engine (or Docker Desktop) and try again',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await containers()).toEqual([]);
  });

  it('names a published port that is taken, and what holds it, before creating anything', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve, reject) =>
      holder.once('error', reject).listen(PORTS.grafana, '127.0.0.1', resolve),
    );
    try {
      const result = await stackgen(['up']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(
        `port ${PORTS.grafana} on 127.0.0.1 (exposure.ports.grafana.ui) is already in use by node (pid ${process.pid})`,
      );
      expect(await containers()).toEqual([]);
    } finally {
      holder.close();
    }
  });

  it('names a service that never becomes healthy, with its state and logs, and leaves nothing running', async () => {
    await writeFile(path.join(project!, `stacks/${NAME}.yaml`), stackFile(STANDINS.unhealthy));
    const stale = await stackgen(['up']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain(`deploy/${NAME} is not up to date with stacks/${NAME}.yaml`);
    expect((await stackgen(['generate'])).exitCode).toBe(0);

    const result = await stackgen(['up', '--wait-timeout', '20']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${NAME} did not come up within 20s.`);
    expect(result.stderr).toMatch(
      / {2}jaeger: (running, health: starting|unhealthy)\n {4}last log lines:\n {6}stand-in unhealthy: running, and never healthy/,
    );
    expect(result.stderr).toContain('otel-collector: created, not started (waits for its dependencies)');
    expect(result.stderr).toContain("Removed the stack's containers and networks (data volumes are kept).");
    expect(await containers()).toEqual([]);
  });
});

/**
 * target: swarm on a real three-node Docker Swarm (test/swarm/cluster.sh): stackgen generate, up, status,
 * verify and down against the manager, through DOCKER_HOST, as users point the CLI at a cluster.
 *
 * Real: three dockerd nodes, the swarm, docker stack deploy of the generated swarm.yaml (configs, secrets,
 * overlay networks, placement by node label, replicated services, healthchecks, host-mode ports),
 * Prometheus (Debian's binary), verify's spans and requests from the nodes' network, the shell that hands
 * SigNoz its secrets. Stand-ins (fakes, see standins/README.md): the collector, Jaeger, Tempo, Loki, Grafana,
 * an app; SigNoz, its collector and migrator, ClickHouse, Keeper and PostgreSQL. These kernels have no IPVS, so the stack uses
 * swarm.endpointMode dnsrr; VIPs and the ingress mesh (publish: ingress) are not covered here.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PlanReport } from '../../src/commands/plan.js';
import { BIN, createProject, eventually, stackgenIn } from './helpers.js';
import { buildStandins, JAEGER_STACK_HOPS, STANDINS } from './standins.js';
import { swarmLab } from '../swarm/lab.js';

const LAB = '/tmp/stackgen-swarm-stack';
const { cluster, goneFromNodes, hub, node, manager: MANAGER, runningOn } = swarmLab(LAB);
/** The nodes of a service's running tasks: a data service has one. */
const nodesOf = async (service: string) =>
  (await runningOn(service)).split('\n').map((line) => line.split(' ')[0]);
const NAME = 'sgswarm';

let project: string | undefined;
let stackgen: ReturnType<typeof stackgenIn>;
const onSwarm = (args: string[]) => stackgen(args, { DOCKER_HOST: MANAGER });
/** stackgen against the manager from the bridge's namespace: a machine on the nodes' network. */
const fromHub = (args: string[]) =>
  hub('env', `DOCKER_HOST=${MANAGER}`, 'NO_COLOR=1', 'node', BIN, '-C', project!, ...args);

beforeAll(async () => {
  await buildStandins();
  await cluster('down');
  await cluster('up');
  await cluster(
    'load',
    STANDINS.collector,
    STANDINS.jaeger,
    STANDINS.prometheus,
    STANDINS.grafana,
    STANDINS.app,
    STANDINS.tempo,
    STANDINS.busybox,
    STANDINS.loki,
    STANDINS.clickhouseKeeper,
    STANDINS.clickhouse,
    STANDINS.signozCollector,
    STANDINS.signoz,
    STANDINS.postgres,
    STANDINS.pushgateway,
  );
  // The node that keeps the stack's data; another for SigNoz's ClickHouse.
  await node(1, 'node', 'update', '--label-add', 'stackgen.data=true', 'sgsw-n2');
  await node(1, 'node', 'update', '--label-add', 'stackgen.clickhouse=true', 'sgsw-n3');
  project = await createProject({
    [`stacks/${NAME}.yaml`]: `name: ${NAME}
backend: jaeger
target: swarm
swarm:
  endpointMode: dnsrr
  resolveImage: never
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
  });
  stackgen = stackgenIn(project);
  const generate = await stackgen(['generate']);
  expect(generate.exitCode, generate.stderr).toBe(0);
}, 300_000);

afterAll(async () => {
  await cluster('down');
  if (project) await rm(project, { recursive: true, force: true });
}, 120_000);

const taskIds = async (service: string) =>
  (await node(1, 'service', 'ps', '-q', '--filter', 'desired-state=running', `${NAME}_${service}`)).stdout;

describe.sequential('the Jaeger stack on a real three-node swarm', () => {
  it('refuses to deploy to an engine that is not a swarm manager, saying where to point', async () => {
    const worker = await stackgen(['up'], { DOCKER_HOST: `unix://${LAB}/n3/docker.sock` });
    expect(worker.exitCode).toBe(1);
    expect(worker.stderr).toContain(
      'this engine is a swarm worker: point DOCKER_HOST (or a Docker context) at a swarm manager',
    );
    // plan shows the files, and says why it cannot tell what up would do there.
    const plan = await stackgen(['plan'], { DOCKER_HOST: `unix://${LAB}/n3/docker.sock` });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      `The running stack: not planned (${NAME} runs on a Docker Swarm (target: swarm), and this engine is a swarm worker`,
    );
  });

  it('deploys, waits until every task runs healthy, and pins the data services to the labelled node', async () => {
    const up = await onSwarm(['up', '--wait-timeout', '180']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain(`${NAME} is up on the swarm (4 services`);
    for (const service of ['jaeger', 'prometheus', 'grafana']) {
      expect(await nodesOf(`${NAME}_${service}`), service).toEqual(['sgsw-n2']);
    }
    // Grafana read its admin password from the Swarm secret stackgen made from .env.
    const env = await readFile(path.join(project!, `deploy/${NAME}/.env`), 'utf8');
    const password = /^GRAFANA_ADMIN_PASSWORD=(.*)$/m.exec(env)![1]!;
    const secrets = (await node(1, 'secret', 'ls', '--format', '{{.Name}}')).stdout;
    expect(secrets).toMatch(new RegExp(`^${NAME}_grafana_admin_password_[0-9a-f]{12}$`, 'm'));
    expect(password.length).toBeGreaterThan(8);
  });

  it('reports every service on the swarm with its node in status', async () => {
    const status = await onSwarm(['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as {
      state: string;
      swarm: { service: string; replicas: string }[];
    };
    expect(report.state).toBe('running');
    // The fields the README documents, no more.
    for (const s of report.swarm)
      expect(Object.keys(s).sort()).toEqual(['mode', 'replicas', 'service', 'tasks', 'update']);
    expect(report.swarm.map((s) => s.service).sort()).toEqual([
      'grafana',
      'jaeger',
      'otel-collector',
      'prometheus',
    ]);
  });

  it('lets an app container on another node send OTLP to the collector by name over the overlay', async () => {
    const body = '{"resourceSpans":[]}';
    const sent = await node(
      3,
      'run',
      '--rm',
      '--network',
      `${NAME}-apps`,
      '--entrypoint',
      'sh',
      STANDINS.app,
      '-c',
      `timeout 10 wget -q -O - --header 'Content-Type: application/json' --post-data '${body}' http://otel-collector:4318/v1/traces`,
    );
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(sent.stdout).toBe('{}');
    // stackgen logs: docker service logs, gathered from the node running the task. The stand-in logs to
    // stderr, which docker service logs passes on as its own stderr.
    const logs = await eventually(async () => {
      const out = await onSwarm(['logs', 'otel-collector']);
      expect(out.exitCode, out.stderr).toBe(0);
      return out.stderr.includes('received POST /v1/traces') ? out.stderr : undefined;
    }, 30);
    expect(logs).toContain('application/json');
    const follow = await onSwarm(['logs', '--follow']);
    expect(follow.exitCode).toBe(2);
    expect(follow.stderr).toContain('on a swarm, --follow takes one service');
  });

  it('verifies hop by hop on the nodes publishing the ports (publish: host), as far as the stand-ins go', async () => {
    // With publish: none, the default, nothing is published: verify says so rather than ask 127.0.0.1.
    const none = await onSwarm(['verify']);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('publishes no ports on its nodes (swarm.publish: none)');

    const file = path.join(project!, `stacks/${NAME}.yaml`);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        '  endpointMode: dnsrr\n',
        '  endpointMode: dnsrr\n  publish: host\n',
      ),
    );
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const up = await onSwarm(['up', '--wait-timeout', '180']);
    expect(up.exitCode, up.stderr).toBe(0);
    // Run where the nodes' addresses are reached: the bridge's namespace, as a machine on their network.
    const result = await fromHub(['verify', '--json', '--timeout', '5']);
    expect(result.stderr, result.stdout).toContain(
      'verify failed at hop 2 (OTLP/gRPC export) and 2 later hops',
    );
    const report = JSON.parse(result.stdout) as {
      traceIds: { http?: string };
      hops: { id: string; status: string; detail: string }[];
    };
    // The stand-ins answer OTLP/HTTP but not gRPC and keep no traces (as in runtime.test.ts); Prometheus is real.
    expect(report.hops.map((h) => [h.id, h.status])).toEqual(JAEGER_STACK_HOPS);
    // Each asked on the node running it: cluster.sh gives node n<i> the address 10.231.5.1<i>.
    const address = async (service: string) =>
      `10.231.5.1${(await nodesOf(`${NAME}_${service}`))[0]!.slice(-1)}`;
    const hop = (id: string) => report.hops.find((h) => h.id === id)!;
    expect(hop('collector-health').detail).toBe(`http://${await address('otel-collector')}:13133/ answers`);
    expect(hop('otlp-http').detail).toBe(
      `trace ${report.traceIds.http} accepted at http://${await address('otel-collector')}:4318/v1/traces`,
    );
    expect(hop('backend').detail).toContain(`http://${await address('jaeger')}:16686/api/v3/traces/`);
    expect(hop('span-metrics').detail).toContain(`Prometheus (http://${await address('prometheus')}:9090)`);
    expect(await address('jaeger')).toBe('10.231.5.12');
  });

  it('plans, from the record of the last deploy, to update exactly the service whose config file changed, and does', async () => {
    const [collector, jaeger] = [await taskIds('otel-collector'), await taskIds('jaeger')];
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'backend: jaeger\n',
        'backend: jaeger\ncollector:\n  batch:\n    timeout: 1s\n',
      ),
    );
    const plan = await onSwarm(['plan', '--json', '--exit-code']);
    expect(plan.exitCode, plan.stderr).toBe(3);
    const { engine, files } = JSON.parse(plan.stdout) as PlanReport;
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['collector/config.yaml', 'swarm.yaml']));
    expect(engine).toMatchObject({ planned: true, host: '10.231.5.11' });
    expect(engine.planned && engine.services).toEqual([
      { service: 'grafana', action: 'unchanged', reasons: [] },
      { service: 'jaeger', action: 'unchanged', reasons: [] },
      { service: 'otel-collector', action: 'update', reasons: ['configs collector-config-yaml'] },
      { service: 'prometheus', action: 'unchanged', reasons: [] },
    ]);
    expect((await onSwarm(['plan'])).stdout).toContain(
      'The running stack on the swarm of manager 10.231.5.11 ("stackgen up" would):\n  update    otel-collector: configs collector-config-yaml\n  leave     grafana, jaeger, prometheus (unchanged)',
    );
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const up = await onSwarm(['up', '--wait-timeout', '180']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await taskIds('otel-collector')).not.toBe(collector);
    expect(await taskIds('jaeger')).toBe(jaeger);
    const after = await onSwarm(['plan', '--exit-code']);
    expect(after.exitCode, after.stdout).toBe(0);
    expect(after.stdout).toContain('No changes.');
    // The config of the first deploy, which no task uses any more, is gone: those left are swarm.yaml's,
    // and the one record of the last deploy.
    const swarm = parse(await readFile(path.join(project!, `deploy/${NAME}/swarm.yaml`), 'utf8')) as {
      configs: Record<string, { name: string }>;
    };
    const configs = (await node(1, 'config', 'ls', '--format', '{{.Name}}')).stdout.split('\n');
    const records = configs.filter((c) => c.startsWith(`${NAME}_stackgen-deployed_`));
    expect(records).toHaveLength(1);
    expect(configs.filter((c) => !records.includes(c)).sort()).toEqual(
      Object.values(swarm.configs)
        .map((c) => c.name)
        .sort(),
    );
  });

  it('refuses before deploying an image a node that may run it lacks, naming image, node and service', async () => {
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const before = await readFile(file, 'utf8');
    const grafana = await taskIds('grafana');
    const absent = 'stackgen-standin/never-built:swarm';
    // On the data node only: the collector, which may run on any node, has its image on every one.
    await writeFile(file, before.replace(`grafana: ${STANDINS.grafana}`, `grafana: ${absent}`));
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const up = await onSwarm(['up', '--wait-timeout', '170']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(
      `nodes have neither loaded nor could pull images of ${NAME}: ${absent} on sgsw-n2 (grafana). Load them there (docker load), or push them to a registry the nodes reach and set swarm.resolveImage to always. Nothing was deployed`,
    );
    expect(up.stderr).not.toContain('Deploying');
    // Nothing changed on the swarm, and the probes are gone.
    expect(await taskIds('grafana')).toBe(grafana);
    expect((await node(1, 'service', 'ls', '--format', '{{.Name}}')).stdout).not.toContain('image-probe');
    await writeFile(file, before);
    expect((await stackgen(['generate'])).exitCode).toBe(0);
  });

  it('fails when Swarm rolls an update back, naming the node and why the new task stopped', async () => {
    const file = path.join(project!, `stacks/${NAME}.yaml`);
    const before = await readFile(file, 'utf8');
    // A Grafana whose process exits at once: Swarm's update sees the task fail and rolls it back.
    await writeFile(
      file,
      `${before}patches:\n  - file: swarm.yaml\n    merge:\n      services:\n        grafana:\n          image: ${STANDINS.busybox}\n          entrypoint: [sh, -c, 'exit 3']\n`,
    );
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const up = await onSwarm(['up', '--wait-timeout', '170']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(
      /grafana cannot start on sgsw-n2: task: non-zero exit \(3\); Swarm rolled grafana back to its previous settings/,
    );
    await writeFile(file, before);
    expect((await stackgen(['generate'])).exitCode).toBe(0);
    const again = await onSwarm(['up', '--wait-timeout', '180']);
    expect(again.exitCode, again.stderr).toBe(0);
  });

  it('keeps down --volumes from pretending: the volumes live on the nodes', async () => {
    const down = await onSwarm(['down', '--volumes', '--yes']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain(
      `remove them there once the stack is down ("docker volume rm ${NAME}_jaeger-data`,
    );
  });

  it('goes down, waiting until nothing of the stack is left on any node', async () => {
    const down = await onSwarm(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toContain(`${NAME} is down on the swarm`);
    await goneFromNodes(NAME);
    expect((await node(1, 'service', 'ls', '-q')).stdout).toBe('');
    // The record of the last deploy (plan's) went with it.
    expect((await node(1, 'config', 'ls', '--format', '{{.Name}}')).stdout).not.toContain(
      'stackgen-deployed',
    );
  });
});

describe.sequential('the Tempo stack with Loki, TLS and a compose file of the user on the same swarm', () => {
  const TEMPO = 'sgswtempo';

  it('runs its volume init as a job on the data node to completion, and every data service there', async () => {
    await writeFile(
      path.join(project!, `stacks/${TEMPO}.yaml`),
      `name: ${TEMPO}
backend: tempo
target: swarm
swarm:
  endpointMode: dnsrr
  resolveImage: never
loki:
  enabled: true
tls:
  enabled: true
include: [team/pushgateway.yaml]
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    tempo-init: ${STANDINS.busybox}
    tempo: ${STANDINS.tempo}
    loki: ${STANDINS.loki}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
    );
    // A compose file of the user's, deployed with the stack (dnsrr: these kernels have no VIPs).
    await mkdir(path.join(project!, 'team'), { recursive: true });
    await writeFile(
      path.join(project!, 'team/pushgateway.yaml'),
      `services:\n  pushgateway:\n    image: ${STANDINS.pushgateway}\n    networks: [${TEMPO}-net]\n    deploy: { endpoint_mode: dnsrr }\n`,
    );
    expect((await stackgen(['generate', `stacks/${TEMPO}.yaml`])).exitCode).toBe(0);
    const up = await onSwarm(['up', TEMPO, '--wait-timeout', '180']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/tempo-init\s+0\/1 \(1\/1 completed\)\s+sgsw-n2/);
    for (const service of ['tempo', 'loki', 'prometheus', 'grafana']) {
      expect(await nodesOf(`${TEMPO}_${service}`), service).toEqual(['sgsw-n2']);
    }
    // Nothing to change, the user's own service included; the job runs again at every deploy.
    const plan = await onSwarm(['plan', TEMPO, '--exit-code']);
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.stdout).toContain(
      '  rerun     tempo-init: a job: Swarm runs it again at every deploy\n  leave     grafana, loki, otel-collector, prometheus, pushgateway, tempo (unchanged)',
    );
  });

  it("runs the user's included compose file in the stack, on its overlay network", async () => {
    const status = JSON.parse((await onSwarm(['status', TEMPO, '--json'])).stdout) as {
      swarm: { service: string; replicas: string }[];
    };
    expect(status.swarm).toContainEqual(expect.objectContaining({ service: 'pushgateway', replicas: '1/1' }));
    const scraped = await node(
      1,
      'run',
      '--rm',
      '--network',
      `${TEMPO}-net`,
      STANDINS.busybox,
      'sh',
      '-c',
      'timeout 5 wget -q -O - http://pushgateway:9091/metrics',
    );
    expect(scraped.stdout, scraped.stderr).toContain('standin_up 1');
  });

  it('hands each service its certificate as a config and its key as a secret, where it reads them', async () => {
    const container = (
      await node(2, 'ps', '-q', '--filter', `label=com.docker.swarm.service.name=${TEMPO}_tempo`)
    ).stdout.trim();
    const inside = async (file: string) => (await node(2, 'exec', container, 'cat', file)).stdout.trim();
    const generated = async (file: string) =>
      (await readFile(path.join(project!, `deploy/${TEMPO}/tls`, file), 'utf8')).trim();
    expect(await inside('/etc/tempo/tls/server.key')).toBe(await generated('tempo.key'));
    expect(await inside('/etc/tempo/tls/server.crt')).toBe(await generated('tempo.crt'));
    expect(await inside('/etc/tempo/tls/ca/ca.crt')).toBe(await generated('ca.crt'));
    // Keys are secrets (kept encrypted by the managers), never configs.
    const secrets = (await node(1, 'secret', 'ls', '--format', '{{.Name}}')).stdout;
    expect(secrets).toMatch(new RegExp(`^${TEMPO}_tls-tempo-key_[0-9a-f]{12}$`, 'm'));
  });

  it('goes down as well', async () => {
    const down = await onSwarm(['down', TEMPO]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await node(1, 'service', 'ls', '-q')).stdout).toBe('');
  });
});

describe.sequential('the SigNoz stack with PostgreSQL on the same swarm', () => {
  const SIGNOZ = 'sgswsignoz';
  /** A command in the container of a service's task on node n. */
  const inTask = async (n: number, service: string, ...command: string[]) => {
    const filter = `label=com.docker.swarm.service.name=${SIGNOZ}_${service}`;
    const container = (await node(n, 'ps', '-q', '--filter', filter)).stdout.trim();
    return (await node(n, 'exec', container, ...command)).stdout;
  };
  const dotEnv = async (name: string) =>
    new RegExp(`^${name}=(.*)$`, 'm').exec(
      await readFile(path.join(project!, `deploy/${SIGNOZ}/.env`), 'utf8'),
    )![1]!;

  const file = () => path.join(project!, `stacks/${SIGNOZ}.yaml`);
  const stackFile = (openFilesLimit: number) => `name: ${SIGNOZ}
backend: signoz
target: swarm
swarm:
  endpointMode: dnsrr
  resolveImage: never
  placement:
    services:
      clickhouse: stackgen.clickhouse=true
signoz:
  metastore: postgres
  histogramQuantileUrl: http://grafana:3000/udf
  clickhouse: { openFilesLimit: ${openFilesLimit} }
prometheus:
  enabled: true
grafana:
  enabled: true
images:
  overrides:
    clickhouse-keeper: ${STANDINS.clickhouseKeeper}
    clickhouse: ${STANDINS.clickhouse}
    otel-collector: ${STANDINS.signozCollector}
    signoz: ${STANDINS.signoz}
    postgres: ${STANDINS.postgres}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`;

  it("stops at once when a node's engine refuses ClickHouse's open-files limit, naming the key", async (context) => {
    const limit = 262144;
    // An engine allowed 1048576 open files (Debian's docker.service) grants it: nothing to refuse there.
    const granted = await node(
      3,
      'run',
      '--rm',
      '--ulimit',
      `nofile=${limit}:${limit}`,
      STANDINS.busybox,
      'true',
    );
    if (granted.exitCode === 0) context.skip();
    await writeFile(file(), stackFile(limit));
    expect((await stackgen(['generate', `stacks/${SIGNOZ}.yaml`])).exitCode).toBe(0);
    const started = Date.now();
    const up = await onSwarm(['up', SIGNOZ, '--wait-timeout', '240']);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toMatch(
      new RegExp(
        `clickhouse cannot start on sgsw-n3: .*error setting rlimit.*; that engine refuses ClickHouse's open-files limit of ${limit} \\(signoz\\.clickhouse\\.openFilesLimit\\)`,
      ),
    );
    // Long before the wait's limit: Swarm would retry it for ever.
    expect(Date.now() - started).toBeLessThan(120_000);
  });

  it('runs its user scripts step and schema migrations as jobs to completion, each data service on its node', async () => {
    // This test machine's engines grant fewer open files than Debian's docker.service (20000 here).
    await writeFile(file(), stackFile(16384));
    expect((await stackgen(['generate', `stacks/${SIGNOZ}.yaml`])).exitCode).toBe(0);
    const up = await onSwarm(['up', SIGNOZ, '--wait-timeout', '240']);
    expect(up.exitCode, up.stderr).toBe(0);
    // The step that fills ClickHouse's user scripts volume ran where ClickHouse keeps it.
    expect(up.stdout).toMatch(/clickhouse-user-scripts\s+0\/1 \(1\/1 completed\)\s+sgsw-n3/);
    expect(up.stdout).toMatch(/schema-migrator\s+0\/1 \(1\/1 completed\)/);
    expect(await nodesOf(`${SIGNOZ}_clickhouse`)).toEqual(['sgsw-n3']);
    for (const service of ['clickhouse-keeper', 'postgres', 'signoz', 'prometheus', 'grafana'])
      expect(await nodesOf(`${SIGNOZ}_${service}`), service).toEqual(['sgsw-n2']);
    // The migrations ran to their end, against the ClickHouse on n3, reached by name over the overlay.
    const migrator = await node(1, 'service', 'logs', `${SIGNOZ}_schema-migrator`);
    expect(migrator.stdout).toContain('stand-in migrate async up: done');
  });

  it('hands SigNoz its secrets through its start script, and PostgreSQL its password as a file', async () => {
    // What SigNoz's process runs with: the values of .env, read from the Swarm secrets.
    const environ = (await inTask(2, 'signoz', 'cat', '/proc/1/environ')).split('\0');
    expect(environ).toContain(
      `SIGNOZ_SQLSTORE_POSTGRES_DSN=postgres://signoz:${await dotEnv('SIGNOZ_POSTGRES_PASSWORD')}@postgres:5432/signoz?sslmode=disable`,
    );
    expect(environ).toContain(`SIGNOZ_TOKENIZER_JWT_SECRET=${await dotEnv('SIGNOZ_JWT_SECRET')}`);
    expect(environ).toContain(`SIGNOZ_USER_ROOT_PASSWORD=${await dotEnv('SIGNOZ_ADMIN_PASSWORD')}`);
    // Not a secret: docker stack deploy took it from .env, which it does not read itself.
    expect(environ).toContain(`SIGNOZ_USER_ROOT_ORG_ID=${await dotEnv('SIGNOZ_ORG_ID')}`);
    expect(await inTask(2, 'postgres', 'sh', '-c', 'cat "$POSTGRES_PASSWORD_FILE"')).toBe(
      await dotEnv('SIGNOZ_POSTGRES_PASSWORD'),
    );
    expect(await inTask(2, 'postgres', 'sh', '-c', 'echo "${POSTGRES_PASSWORD:-unset}"')).toBe('unset');
  });

  it("reads SigNoz's organisation id into a .env that predates it, from SigNoz's node", async () => {
    const env = path.join(project!, `deploy/${SIGNOZ}/.env`);
    // An older stackgen wrote no id: SigNoz then made the organisation with one of its own.
    await writeFile(
      env,
      (await readFile(env, 'utf8')).replace(/^# ID of the SigNoz.*\nSIGNOZ_ORG_ID=.*\n/m, ''),
    );
    await writeFile(
      file(),
      stackFile(16384).replace('  resolveImage: never\n', '  resolveImage: never\n  publish: host\n'),
    );
    expect((await stackgen(['generate', `stacks/${SIGNOZ}.yaml`])).exitCode).toBe(0);
    // From the bridge's namespace, as a machine on the nodes' network: SigNoz answers on its node, n2.
    const up = await fromHub(['up', SIGNOZ, '--wait-timeout', '240']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).toContain(
      `deploy/${SIGNOZ}/.env: kept the id of SigNoz's organisation "${SIGNOZ}" (SIGNOZ_ORG_ID=0199c0de-5a1e-7000-8000-00000000beef)`,
    );
    expect(await dotEnv('SIGNOZ_ORG_ID')).toBe('0199c0de-5a1e-7000-8000-00000000beef');
  });

  it('goes down, leaving nothing on any node', async () => {
    const down = await onSwarm(['down', SIGNOZ]);
    expect(down.exitCode, down.stderr).toBe(0);
    await goneFromNodes(SIGNOZ);
    expect((await node(1, 'service', 'ls', '-q')).stdout).toBe('');
  });
});

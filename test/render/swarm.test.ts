/**
 * swarm.yaml (target: swarm), as rendered: what a cluster needs that one host does not. The real `docker
 * stack config` reads the golden file (real-tools.test.ts); the real swarm runs it (integration/swarm.test.ts).
 */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RenderPlan } from '../../src/render/plan.js';
import { StackInvalidError } from '../../src/errors.js';
import { parseEnv } from '../../src/output/secrets.js';
import { described, loadObject, planOf, planOfObject } from '../helpers/plan.js';
import { testdir } from '../helpers/testdir.js';

interface SwarmFile {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      configs?: { source: string; target: string }[];
      secrets?: { source: string; target: string }[];
      volumes?: string[];
      ports?: { target: number; published: number; mode: string }[];
      depends_on?: unknown;
      labels?: unknown;
      entrypoint?: string[];
      command?: string[];
      deploy: {
        restart_policy?: Record<string, unknown>;
        mode: string;
        replicas?: number;
        endpoint_mode: string;
        placement?: { constraints?: string[]; max_replicas_per_node?: number };
        update_config?: { order: string; failure_action: string };
        resources?: { limits: { memory: string } };
      };
    }
  >;
  networks: Record<string, { name: string; driver?: string; attachable?: boolean; external?: boolean }>;
  configs: Record<string, { file: string; name: string }>;
  secrets: Record<string, { file: string; name: string }>;
}

const raw = (extra: Record<string, unknown> = {}) => ({
  name: 'demo',
  backend: 'tempo',
  target: 'swarm',
  ...extra,
});
const swarmOf = (plan: RenderPlan) =>
  parse(plan.files.find((f) => f.path === 'swarm.yaml')!.content) as SwarmFile;

describe('swarm.yaml', () => {
  it('is written only for target: swarm, beside compose.yaml', async () => {
    expect((await planOfObject({ name: 'demo', backend: 'tempo' })).files.map((f) => f.path)).not.toContain(
      'swarm.yaml',
    );
    const paths = (await planOfObject(raw())).files.map((f) => f.path);
    expect(paths).toContain('swarm.yaml');
    expect(paths).toContain('compose.yaml');
  });

  it('turns each mounted file into a config named by its content: a change renames only that one', async () => {
    const before = swarmOf(await planOfObject(raw()));
    const after = swarmOf(await planOfObject(raw({ collector: { batch: { timeout: '1s' } } })));
    const names = (s: SwarmFile) =>
      Object.fromEntries(Object.entries(s.configs).map(([k, c]) => [k, c.name]));
    const changed = Object.keys(names(before)).filter((k) => names(before)[k] !== names(after)[k]);
    expect(changed).toEqual(['collector-config-yaml']);
    expect(before.services['otel-collector']!.configs).toEqual([
      { source: 'collector-config-yaml', target: '/etc/otelcol-contrib/config.yaml' },
    ]);
    // A mounted folder becomes one config per file in it, at the same place.
    expect(before.services.grafana!.configs!.map((c) => c.target)).toContain(
      '/etc/grafana/provisioning/datasources/datasources.yaml',
    );
    for (const service of Object.values(before.services)) {
      expect(service.volumes ?? [], 'no bind mount').not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^\./)]),
      );
      expect(service.depends_on).toBeUndefined();
      expect(service.labels).toBeUndefined();
    }
  });

  it('takes secrets as Swarm secrets named by their value, never writing a value into the file', async () => {
    const swarm = swarmOf(await planOfObject(raw()));
    expect(swarm.services.grafana!.environment).toMatchObject({
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/GRAFANA_ADMIN_PASSWORD',
    });
    expect(swarm.services.grafana!.environment).not.toHaveProperty('GF_SECURITY_ADMIN_PASSWORD');
    expect(swarm.secrets.GRAFANA_ADMIN_PASSWORD).toEqual({
      file: '${STACKGEN_SECRETS_DIR:?run "stackgen up", which makes the secret files}/GRAFANA_ADMIN_PASSWORD',
      name: 'demo_grafana_admin_password_${GRAFANA_ADMIN_PASSWORD_SHA:?run "stackgen up"}',
    });
  });

  it('hands SigNoz and PostgreSQL their secrets as each image reads them: a file, or a start script', async () => {
    const swarm = swarmOf(await planOfObject(raw({ backend: 'signoz', signoz: { metastore: 'postgres' } })));
    const { postgres, signoz } = swarm.services as Record<string, SwarmFile['services'][string]>;
    expect(postgres!.environment).toMatchObject({
      POSTGRES_PASSWORD_FILE: '/run/secrets/SIGNOZ_POSTGRES_PASSWORD',
    });
    expect(postgres!.environment).not.toHaveProperty('POSTGRES_PASSWORD');
    // SigNoz reads no file: no secret is left in its environment, each is a secret of its task.
    expect(JSON.stringify(signoz!.environment)).not.toMatch(/PASSWORD|JWT|:\?/);
    expect(signoz!.secrets!.map((s) => s.source).sort()).toEqual([
      'SIGNOZ_ADMIN_PASSWORD',
      'SIGNOZ_JWT_SECRET',
      'SIGNOZ_POSTGRES_PASSWORD',
    ]);
    // What the image runs (./signoz server from /root), started by a script that first reads the files.
    expect(signoz!.command).toEqual(['./signoz', 'server']);
    const [shell, flag, script, name] = signoz!.entrypoint!;
    expect([shell, flag, name]).toEqual(['/bin/sh', '-c', 'sh']);

    // The real sh runs the script as docker stack deploy hands it over ($$ is $), its secrets folder moved
    // to a temporary one, and prints the environment it would start SigNoz with.
    const secrets = await testdir();
    const values = {
      SIGNOZ_POSTGRES_PASSWORD: "pa'ss word$1",
      SIGNOZ_JWT_SECRET: 'jwt-secret',
      SIGNOZ_ADMIN_PASSWORD: 'admin "pw"',
    };
    for (const [file, value] of Object.entries(values))
      await writeFile(path.join(secrets, file), `${value}\n`);
    const run = (folder: string) =>
      execa('sh', ['-c', script!.replace(/\$\$/g, '$').replaceAll('/run/secrets', folder), 'sh', 'env'], {
        env: {},
        extendEnv: false,
        reject: false,
      });
    const env = parseEnv((await run(secrets)).stdout);
    expect(env).toMatchObject({
      SIGNOZ_SQLSTORE_POSTGRES_DSN: `postgres://signoz:pa'ss word$1@postgres:5432/signoz?sslmode=disable`,
      SIGNOZ_TOKENIZER_JWT_SECRET: 'jwt-secret',
      SIGNOZ_USER_ROOT_PASSWORD: 'admin "pw"',
    });
    // A missing secret file stops the task before SigNoz starts.
    const missing = await run(path.join(secrets, 'absent'));
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stdout).toBe('');
  });

  it('runs the one-shot steps as jobs that retry until what they need answers', async () => {
    const swarm = swarmOf(await planOfObject(raw({ backend: 'signoz' })));
    for (const job of ['schema-migrator', 'clickhouse-user-scripts']) {
      expect(swarm.services[job]!.deploy.mode, job).toBe('replicated-job');
      expect(swarm.services[job]!.deploy.restart_policy, job).toEqual({
        condition: 'on-failure',
        delay: '5s',
        max_attempts: 30,
      });
    }
    // The user scripts step writes the volume ClickHouse reads: on ClickHouse's node.
    expect(swarm.services['clickhouse-user-scripts']!.deploy.placement).toEqual(
      swarm.services.clickhouse!.deploy.placement,
    );
    expect(swarm.services['schema-migrator']!.deploy.placement).toBeUndefined();
    // What waits for a job fails until it has run: its updates go on instead of rolling back.
    const onFailure = (service: string) => swarm.services[service]!.deploy.update_config!.failure_action;
    for (const service of ['clickhouse', 'signoz', 'otel-collector'])
      expect(onFailure(service)).toBe('continue');
    expect(onFailure('clickhouse-keeper')).toBe('rollback');
  });

  it('with TLS, takes certificates as configs and keys as secrets, named by the hash up computes', async () => {
    const swarm = swarmOf(await planOfObject(raw({ tls: { enabled: true } })));
    expect(swarm.services.tempo!.configs).toContainEqual({
      source: 'tls-ca-crt',
      target: '/etc/tempo/tls/ca/ca.crt',
    });
    expect(swarm.services.tempo!.secrets).toEqual([
      { source: 'tls-tempo-key', target: '/etc/tempo/tls/server.key' },
    ]);
    expect(swarm.configs['tls-tempo-crt']).toEqual({
      file: './tls/tempo.crt',
      name: 'demo_tls-tempo-crt_${STACKGEN_TLS_TEMPO_CRT_SHA:?run "stackgen up"}',
    });
    expect(swarm.secrets['tls-otel-collector-key']!.name).toBe(
      'demo_tls-otel-collector-key_${STACKGEN_TLS_OTEL_COLLECTOR_KEY_SHA:?run "stackgen up"}',
    );
    // No key is ever a config (configs are readable through the API); no certificate a bind mount.
    expect(Object.values(swarm.configs).map((c) => c.file)).not.toContainEqual(
      expect.stringMatching(/\.key$/),
    );
  });

  it("takes the user's dashboards and rule files as configs too, where compose mounts them", async () => {
    const swarm = swarmOf(
      await planOfObject(
        raw({
          // The fixture's dashboards read the Jaeger datasource.
          backend: 'jaeger',
          grafana: { extraDashboards: ['test/fixtures/extended/dashboards'] },
          prometheus: { ruleFiles: ['test/fixtures/extended/rules/'] },
        }),
      ),
    );
    const targets = (service: string) => swarm.services[service]!.configs!.map((c) => c.target);
    expect(targets('grafana').filter((t) => t.startsWith('/etc/grafana/dashboards-extra/1/'))).not.toEqual(
      [],
    );
    expect(targets('prometheus').filter((t) => t.startsWith('/etc/prometheus/rules.d/1/'))).not.toEqual([]);
    const files = Object.values(swarm.configs).map((c) => c.file);
    expect(files).toContainEqual(
      expect.stringMatching(/^\.\/\.\.\/\.\.\/test\/fixtures\/extended\/dashboards\//),
    );
  });

  it('takes patches of its own, and those of compose.yaml for the keys it carries', async () => {
    const swarm = swarmOf(
      await planOfObject(
        raw({
          patches: [
            { file: 'swarm.yaml', merge: { services: { grafana: { deploy: { labels: { team: 'obs' } } } } } },
            {
              file: 'compose.yaml',
              merge: { services: { grafana: { environment: { GF_LOG_LEVEL: 'warn' } } } },
            },
          ],
        }),
      ),
    );
    const grafana = swarm.services.grafana!;
    expect((grafana.deploy as { labels?: Record<string, string> }).labels).toEqual({ team: 'obs' });
    expect(grafana.environment).toMatchObject({ GF_LOG_LEVEL: 'warn' });
  });

  it('keeps every config and secret name within the 64 characters Swarm allows', async () => {
    const long = 'a'.repeat(40);
    const swarm = swarmOf(await planOfObject({ ...raw({ tls: { enabled: true } }), name: long }));
    for (const { name } of [...Object.values(swarm.configs), ...Object.values(swarm.secrets)]) {
      expect(name.replace(/\$\{[^}]*\}/, 'x'.repeat(12)).length, name).toBeLessThanOrEqual(63);
    }
  });

  it('pins each service with a data volume to its labelled node; a one-shot step follows its service', async () => {
    const swarm = swarmOf(
      await planOfObject(
        raw({ swarm: { placement: { data: 'obs=data', services: { tempo: 'obs=traces' } } } }),
      ),
    );
    const constraints = (s: string) => swarm.services[s]!.deploy.placement?.constraints;
    expect(constraints('tempo')).toEqual(['node.labels.obs == traces']);
    expect(constraints('tempo-init')).toEqual(['node.labels.obs == traces']);
    expect(swarm.services['tempo-init']!.deploy.mode).toBe('replicated-job');
    expect(constraints('prometheus')).toEqual(['node.labels.obs == data']);
    expect(constraints('otel-collector')).toBeUndefined();
    // Stateless starts its new task first; a data service stops the old one first.
    expect(swarm.services['otel-collector']!.deploy.update_config!.order).toBe('start-first');
    expect(swarm.services.tempo!.deploy.update_config!.order).toBe('stop-first');
    expect(swarm.services.tempo!.deploy.resources).toEqual({ limits: { memory: '1024M' } });
  });

  it('publishes nothing by default, and on the nodes only as swarm.publish says', async () => {
    const none = swarmOf(await planOfObject(raw()));
    expect(Object.values(none.services).flatMap((s) => s.ports ?? [])).toEqual([]);
    const host = swarmOf(await planOfObject(raw({ swarm: { publish: 'host', collectorReplicas: 3 } })));
    const collector = host.services['otel-collector']!;
    expect(collector.ports).toContainEqual({ target: 4318, published: 4318, protocol: 'tcp', mode: 'host' });
    expect(collector.deploy).toMatchObject({ replicas: 3, placement: { max_replicas_per_node: 1 } });
    // Its new task cannot bind the ports beside the old one, and every node may hold one: stop first.
    expect(collector.deploy.update_config!.order).toBe('stop-first');
    // Swarm recreates tasks for a changed template only: the ports are put into it as a label.
    expect(collector.labels).toEqual({
      'dev.stackgen.host-ports': '4317:4317/tcp 4318:4318/tcp 13133:13133/tcp',
    });
    expect(none.services['otel-collector']!.labels).toBeUndefined();
    const ingress = swarmOf(await planOfObject(raw({ swarm: { publish: 'ingress' } })));
    expect(ingress.services.grafana!.ports).toEqual([
      { target: 3000, published: 3000, protocol: 'tcp', mode: 'ingress' },
    ]);
  });

  it('makes attachable overlays of the networks, with their fixed names; an external one stays external', async () => {
    const swarm = swarmOf(
      await planOfObject(
        raw({ networks: { applications: [{ name: 'shop', external: true }, { name: 'demo-apps' }] } }),
      ),
    );
    expect(swarm.networks).toEqual({
      'demo-net': { name: 'demo-net', driver: 'overlay', attachable: true },
      shop: { external: true, name: 'shop' },
      'demo-apps': { name: 'demo-apps', driver: 'overlay', attachable: true },
    });
    expect(swarm.services['otel-collector']!.deploy.endpoint_mode).toBe('vip');
  });
});

describe('target: swarm in the stack file', () => {
  const errors = async (extra: Record<string, unknown>) => described((await loadObject(raw(extra))).errors);
  const warnings = async (extra: Record<string, unknown>) =>
    described((await loadObject(raw(extra))).warnings);

  it('says what cannot run on a Swarm yet, or at all', async () => {
    expect(await errors({ backend: 'signoz', signoz: { histogramQuantileDir: 'vendor/udf' } })).toContain(
      "signoz.histogramQuantileDir: is a folder of the repository, which the swarm's nodes do not have (target: swarm): point signoz.histogramQuantileUrl at a mirror the nodes reach instead",
    );
  });

  it('warns when ports are published on every address of the nodes, and refuses what Swarm refuses', async () => {
    expect(await warnings({ swarm: { publish: 'host' } })).toContainEqual(
      expect.stringMatching(
        /^swarm\.publish: publishes each port on the node running the task, on all of its addresses/,
      ),
    );
    expect(await errors({ swarm: { publish: 'ingress', endpointMode: 'dnsrr' } })).toEqual([
      'swarm.publish: ingress needs swarm.endpointMode: vip (Swarm refuses ingress ports with dnsrr)',
    ]);
  });

  it('names the field of a bad value, with what it expects', async () => {
    expect(await errors({ target: 'kubernetes' })).toEqual([
      'target: expected one of compose, swarm, got "kubernetes"',
    ]);
    expect(await errors({ swarm: { placement: { data: 'observability' } } })).toEqual([
      'swarm.placement.data: expected a node label as key=value, such as observability.data=true, got "observability"',
    ]);
    expect(await errors({ swarm: { placement: { services: { prometheus: 'a b=c' } } } })).toEqual([
      'swarm.placement.services.prometheus: expected a node label as key=value, such as observability.data=true, got "a b=c"',
    ]);
    expect(await errors({ swarm: { collectorReplicas: 0 } })).toEqual([
      'swarm.collectorReplicas: must be at least 1, got number 0',
    ]);
    expect(await errors({ swarm: { resolveImage: 'sometimes' } })).toEqual([
      'swarm.resolveImage: expected one of always, changed, never, got "sometimes"',
    ]);
    expect(await errors({ swarm: { registryAuth: 'yes' } })).toEqual([
      'swarm.registryAuth: expected a boolean, got "yes" (write true or false)',
    ]);
  });

  it('locates them in the stack file, by line and column', async () => {
    const text =
      'name: demo\nbackend: tempo\nloki:\n  enabled: true\n  retention: 12h\ntarget: swarm\nswarm:\n  placement:\n    data: nolabel\n  registryAuth: 1\n';
    const error = await planOf(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackInvalidError);
    expect((error as Error).message).toMatch(
      /^stacks\/demo\.yaml:5:14 loki\.retention: expected whole days/m,
    );
    expect((error as Error).message).toMatch(
      /^stacks\/demo\.yaml:9:11 swarm\.placement\.data: expected a node label/m,
    );
    expect((error as Error).message).toMatch(
      /^stacks\/demo\.yaml:10:17 swarm\.registryAuth: expected a boolean, got number 1$/m,
    );
  });

  it('says a swarm section has no effect with target: compose', async () => {
    const { warnings: issues } = await loadObject({
      name: 'demo',
      backend: 'tempo',
      swarm: { collectorReplicas: 2 },
    });
    expect(described(issues)).toEqual(['swarm: has no effect with target: compose']);
  });
});

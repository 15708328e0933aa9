/**
 * Loki (loki.enabled) on the rendered files, held against the pinned upstream source: Grafana Loki v3.7.6
 * (github.com/grafana/loki at tag v3.7.6, the version docker-otel-lgtm 0.31 bundles), read in its Go
 * sources; each key below names the file and line that declares it there. Grafana's side is checked against
 * the shape Loki gives OTLP records (trace_id as structured metadata, service.name as service_name).
 * The real docker compose and promtool judge the golden files with Loki (fixtures logs and tempo-tls) in
 * real-tools.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INDEX_LABELS } from '../../src/components/loki/facts.js';
import { otelEnvironment } from '../../src/render/otel-env.js';
import type { RenderPlan } from '../../src/render/plan.js';
import { loadObject, planOfObject } from '../helpers/plan.js';

/**
 * Every key the generated loki.yaml may hold, and where Loki 3.7.6 declares it (its yaml struct tag).
 * A key missing here fails the test: check it in the source at the pinned tag, then add it.
 */
const LOKI_3_7_6_KEYS: Record<string, string> = {
  auth_enabled: 'pkg/loki/loki.go:86',
  server: 'pkg/loki/loki.go:90',
  'server.http_listen_port': 'vendor/github.com/grafana/dskit/server/server.go:94',
  'server.grpc_listen_port': 'vendor/github.com/grafana/dskit/server/server.go:98',
  'server.http_tls_config': 'vendor/github.com/grafana/dskit/server/server.go:105',
  'server.http_tls_config.cert_file': 'vendor/github.com/grafana/dskit/server/server.go:74',
  'server.http_tls_config.key_file': 'vendor/github.com/grafana/dskit/server/server.go:75',
  common: 'pkg/loki/loki.go:136',
  'common.instance_addr': 'pkg/loki/common/common.go:45',
  'common.path_prefix': 'pkg/loki/common/common.go:27',
  'common.storage': 'pkg/loki/common/common.go:28',
  'common.storage.filesystem': 'pkg/loki/common/common.go:87',
  'common.storage.filesystem.chunks_directory': 'pkg/loki/common/common.go:110',
  'common.storage.filesystem.rules_directory': 'pkg/loki/common/common.go:111',
  'common.replication_factor': 'pkg/loki/common/common.go:30',
  'common.ring': 'pkg/loki/common/common.go:31',
  'common.ring.kvstore': 'pkg/util/ring/ring_config.go:27',
  'common.ring.kvstore.store': 'vendor/github.com/grafana/dskit/kv/client.go:57',
  schema_config: 'pkg/loki/loki.go:109',
  'schema_config.configs': 'pkg/storage/config/schema_config.go:276',
  'schema_config.configs[].from': 'pkg/storage/config/schema_config.go:139',
  'schema_config.configs[].store': 'pkg/storage/config/schema_config.go:141',
  'schema_config.configs[].object_store': 'pkg/storage/config/schema_config.go:143',
  'schema_config.configs[].schema': 'pkg/storage/config/schema_config.go:144',
  'schema_config.configs[].index': 'pkg/storage/config/schema_config.go:145',
  'schema_config.configs[].index.prefix': 'pkg/storage/config/schema_config.go:598',
  'schema_config.configs[].index.period': 'pkg/storage/config/schema_config.go:599',
  compactor: 'pkg/loki/loki.go:110',
  'compactor.working_directory': 'pkg/compactor/config.go:21',
  'compactor.retention_enabled': 'pkg/compactor/config.go:24',
  'compactor.delete_request_store': 'pkg/compactor/config.go:29',
  limits_config: 'pkg/loki/loki.go:113',
  'limits_config.retention_period': 'pkg/validation/limits.go:215',
  distributor: 'pkg/loki/loki.go:93',
  'distributor.otlp_config': 'pkg/distributor/distributor.go:102',
  'distributor.otlp_config.default_resource_attributes_as_index_labels': 'pkg/loghttp/push/otlp_config.go:51',
  analytics: 'pkg/loki/loki.go:127',
  'analytics.reporting_enabled': 'pkg/analytics/reporter.go:52',
};

/**
 * Loki 3.7.6's own default index labels (pkg/loghttp/push/otlp_config.go, RegisterFlags), and those of them
 * that change with every process, pod or run.
 */
const UPSTREAM_INDEX_LABELS = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
];
const PER_PROCESS = [
  'service.instance.id',
  'k8s.pod.name',
  'k8s.replicaset.name',
  'k8s.job.name',
  'container.name',
];

const plan = (raw: Record<string, unknown> = {}) =>
  planOfObject({ name: 'demo', backend: 'tempo', loki: { enabled: true }, ...raw });
const yamlOf = <T = Record<string, unknown>>(p: RenderPlan, file: string) =>
  parse(p.files.find((f) => f.path === file)!.content) as T;

/** Dotted key paths of a parsed document; `[]` stands for any item of a list of mappings. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = prefix ? `${prefix}.${key}` : key;
    return [at, ...keyPaths(inner, at)];
  });
}

interface Compose {
  services: Record<
    string,
    {
      image: string;
      command?: string[];
      volumes?: string[];
      healthcheck?: { test: string[] };
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
    }
  >;
  volumes: Record<string, unknown>;
}

describe('loki.yaml against Loki 3.7.6', () => {
  it('holds only keys Loki 3.7.6 declares, with TLS and without', async () => {
    const used = new Set<string>();
    for (const raw of [{}, { tls: { enabled: true } }, { backend: 'jaeger' }]) {
      for (const key of keyPaths(yamlOf(await plan(raw), 'loki/loki.yaml'))) used.add(key);
    }
    expect([...used].filter((key) => !(key in LOKI_3_7_6_KEYS))).toEqual([]);
    // And the table lists nothing the file no longer writes.
    expect(Object.keys(LOKI_3_7_6_KEYS).filter((key) => !used.has(key))).toEqual([]);
  });

  it('keeps what Loki itself requires of the values', async () => {
    const config = yamlOf<{
      schema_config: { configs: { store: string; schema: string; index: { period: string } }[] };
      compactor: { retention_enabled: boolean; delete_request_store?: string };
      limits_config: { retention_period: string };
      server: { http_listen_port: number };
    }>(await plan({ loki: { enabled: true, retention: '2w' } }), 'loki/loki.yaml');
    // tsdb with schema v13: what Loki 3's docker config and structured metadata (OTLP) need.
    expect(config.schema_config.configs).toMatchObject([
      { store: 'tsdb', schema: 'v13', index: { period: '24h' } },
    ]);
    // pkg/compactor/config.go Validate: retention needs a delete request store.
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(config.limits_config.retention_period).toBe('2w');
    // cmd/loki/health.go: -health asks http://localhost:3100/ready by default.
    expect(config.server.http_listen_port).toBe(3100);
  });

  it('makes labels of where a log comes from, never of what changes with every process', async () => {
    const config = yamlOf<{
      distributor: { otlp_config: { default_resource_attributes_as_index_labels: string[] } };
    }>(await plan(), 'loki/loki.yaml');
    const labels = config.distributor.otlp_config.default_resource_attributes_as_index_labels;
    expect(labels).toEqual(INDEX_LABELS);
    expect(labels.filter((l) => !UPSTREAM_INDEX_LABELS.includes(l))).toEqual([]);
    expect(labels.filter((l) => PER_PROCESS.includes(l))).toEqual([]);
    expect(UPSTREAM_INDEX_LABELS.filter((l) => !labels.includes(l)).sort()).toEqual([...PER_PROCESS].sort());
  });
});

describe('the Loki service', () => {
  it('runs the pinned image as the Dockerfile of 3.7.6 lays it out, with a healthcheck that works in it', async () => {
    const compose = yamlOf<Compose>(await plan(), 'compose.yaml');
    const loki = compose.services.loki!;
    expect(loki.image).toBe('grafana/loki:3.7.6');
    // cmd/loki/Dockerfile: ENTRYPOINT /usr/bin/loki on distroless (no shell, no wget); /loki owned by 10001.
    expect(loki.command).toEqual(['-config.file=/etc/loki/loki.yaml']);
    expect(loki.healthcheck!.test).toEqual(['CMD', '/usr/bin/loki', '-health']);
    expect(loki.volumes).toContain('loki-data:/loki');
    expect(compose.volumes).toHaveProperty('loki-data');
    // The collector and Grafana start once Loki is ready.
    expect(compose.services['otel-collector']!.depends_on).toHaveProperty('loki', {
      condition: 'service_healthy',
    });
    expect(compose.services.grafana!.depends_on).toHaveProperty('loki', { condition: 'service_healthy' });
  });

  it('with TLS, serves HTTPS with its own certificate and checks itself over HTTPS, trusting the CA', async () => {
    const p = await plan({ tls: { enabled: true } });
    const loki = yamlOf<Compose>(p, 'compose.yaml').services.loki!;
    expect(loki.healthcheck!.test).toEqual([
      'CMD',
      '/usr/bin/loki',
      '-health',
      '-health.url=https://localhost:3100/ready',
    ]);
    expect(loki.environment).toEqual({ SSL_CERT_DIR: '/etc/loki/tls/ca' });
    expect(loki.volumes).toEqual(
      expect.arrayContaining([
        './tls/ca.crt:/etc/loki/tls/ca/ca.crt:ro',
        './tls/loki.crt:/etc/loki/tls/server.crt:ro',
        './tls/loki.key:/etc/loki/tls/server.key:ro',
      ]),
    );
    expect(yamlOf(p, 'loki/loki.yaml')).toMatchObject({
      server: {
        http_tls_config: { cert_file: '/etc/loki/tls/server.crt', key_file: '/etc/loki/tls/server.key' },
      },
    });
    expect(p.inputs).toEqual(expect.arrayContaining(['tls/loki.crt', 'tls/loki.key']));
    const prometheus = yamlOf<{ scrape_configs: { job_name: string; scheme?: string }[] }>(
      p,
      'prometheus/prometheus.yml',
    );
    expect(prometheus.scrape_configs.find((j) => j.job_name === 'loki')).toMatchObject({ scheme: 'https' });
  });
});

describe('the collector', () => {
  it("exports logs to Loki's native OTLP endpoint (pkg/loki/modules.go: POST /otlp/v1/logs)", async () => {
    const config = yamlOf<{
      exporters: Record<string, { endpoint: string; tls?: { ca_file: string } }>;
      service: { pipelines: Record<string, { exporters: string[] }> };
    }>(await plan(), 'collector/config.yaml');
    // The otlphttp exporter appends /v1/logs to the endpoint; renamed otlp_http in collector 0.144.
    expect(config.exporters['otlp_http/loki']).toEqual({ endpoint: 'http://loki:3100/otlp' });
    expect(config.service.pipelines.logs!.exporters).toEqual(['otlp_http/loki']);
    expect(config.exporters).not.toHaveProperty('debug');
  });

  it('over TLS when the stack has it, trusting the CA', async () => {
    const config = yamlOf<{ exporters: Record<string, { endpoint: string; tls?: { ca_file: string } }> }>(
      await plan({ tls: { enabled: true } }),
      'collector/config.yaml',
    );
    expect(config.exporters['otlp_http/loki']).toEqual({
      endpoint: 'https://loki:3100/otlp',
      tls: { ca_file: '/etc/otelcol-contrib/tls/ca.crt' },
    });
  });

  it('uses the old exporter name on a collector older than 0.144', async () => {
    const config = yamlOf<{ exporters: Record<string, unknown> }>(
      await plan({ images: { versions: { collector: '0.143.0' } } }),
      'collector/config.yaml',
    );
    expect(config.exporters).toHaveProperty('otlphttp/loki');
  });
});

interface Datasource {
  uid: string;
  type: string;
  url: string;
  jsonData: {
    derivedFields?: {
      name: string;
      matcherType: string;
      matcherRegex: string;
      datasourceUid: string;
      url: string;
    }[];
    tracesToLogsV2?: { datasourceUid: string; tags: { key: string; value: string }[]; query: string };
  };
}

describe('Grafana with Loki', () => {
  const datasources = async (raw: Record<string, unknown>) =>
    yamlOf<{ datasources: Datasource[] }>(
      await plan(raw),
      'grafana/provisioning/datasources/datasources.yaml',
    ).datasources;

  for (const backend of ['tempo', 'jaeger'] as const) {
    it(`${backend}: links a log line's trace id to the trace, and a span to its logs`, async () => {
      const all = await datasources({ backend });
      const loki = all.find((d) => d.uid === 'loki')!;
      expect(loki).toMatchObject({ type: 'loki', url: 'http://loki:3100' });
      // pkg/loghttp/push/otlp.go keeps a record's trace id as structured metadata named trace_id.
      expect(loki.jsonData.derivedFields).toEqual([
        expect.objectContaining({
          name: 'trace_id',
          matcherType: 'label',
          matcherRegex: 'trace_id',
          datasourceUid: backend,
          url: '$${__value.raw}',
        }),
      ]);
      const traces = all.find((d) => d.uid === backend)!;
      // Jaeger's query API drops service.name from the tags; the collector copies it (stackgen.service.name).
      const tag = backend === 'jaeger' ? 'stackgen.service.name' : 'service.name';
      expect(traces.jsonData.tracesToLogsV2).toMatchObject({
        datasourceUid: 'loki',
        tags: [{ key: tag, value: 'service_name' }],
        query: '{$${__tags}} | trace_id = "$${__trace.traceId}"',
      });
    });
  }

  it('adds a logs panel of the selected services to the RED dashboard, with a selector Loki accepts', async () => {
    const p = await plan();
    const dashboard = JSON.parse(p.files.find((f) => f.path === 'grafana/dashboards/red.json')!.content) as {
      templating: { list: { name: string; allValue: string }[] };
      panels: { type: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    const logs = dashboard.panels.filter((panel) => panel.type === 'logs');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      datasource: { uid: 'loki' },
      targets: [{ expr: '{service_name=~"$service"}' }],
    });
    // pkg/logql/syntax/parser.go refuses a selector that matches the empty string: "All" is .+, not .*.
    expect(dashboard.templating.list.find((v) => v.name === 'service')!.allValue).toBe('.+');
  });
});

describe('applications', () => {
  it('export logs over OTLP once Loki runs (OTEL_LOGS_EXPORTER=otlp instead of none)', async () => {
    const on = (await loadObject({ name: 'demo', backend: 'tempo', loki: { enabled: true } })).stack!;
    const off = (await loadObject({ name: 'demo', backend: 'tempo' })).stack!;
    const exporter = (stack: typeof on) =>
      new Map(otelEnvironment(stack, { from: 'network', protocol: 'http', projectRoot: '.' })).get(
        'OTEL_LOGS_EXPORTER',
      );
    expect(exporter(on)).toBe('otlp');
    expect(exporter(off)).toBe('none');
  });
});

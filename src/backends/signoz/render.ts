/**
 * SigNoz: ClickHouse Keeper, ClickHouse with its user scripts, the optional PostgreSQL metastore, the
 * schema migrator, SigNoz itself, and the parts of its collector that differ from otelcol-contrib; and
 * SigNoz's entry among the components.
 */
import path from 'node:path';
import { normalPath } from '../../model/normal-path.js';
import type { Stack } from '../../model/normalize.js';
import { healthcheck, publisher, readOnlyMount, type Features } from '../../render/common.js';
import { runs, yaml } from '../../render/component.js';
import type { Pipeline } from '../../components/collector/render.js';
import type { BackendRender } from '../backend.js';
import { FACTS } from './facts.js';
import { signozSecrets } from './secrets.js';

/** Where the user-scripts step finds signoz.histogramQuantileDir. */
const HISTOGRAM_QUANTILE_DIR = '/etc/stackgen/histogram-quantile';

/** ClickHouse's native protocol, as SigNoz's components address it. */
const CLICKHOUSE_DSN = `tcp://${FACTS.serviceNames.clickhouse}:${FACTS.ports.clickhouseNative}`;

/** Settings the SigNoz collector's migrate commands and exporters read from the environment. */
function collectorEnvironment() {
  return [
    { name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_DSN', value: CLICKHOUSE_DSN },
    { name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_CLUSTER', value: 'cluster' },
    { name: 'SIGNOZ_OTEL_COLLECTOR_CLICKHOUSE_REPLICATION', value: 'true' },
    { name: 'SIGNOZ_OTEL_COLLECTOR_TIMEOUT', value: '10m' },
  ];
}

/**
 * ClickHouse's system log tables that its image's config.xml turns on with the standard event_date schema
 * (ClickHouse programs/server/config.xml): each gets a TTL. Not opentelemetry_span_log, which that file
 * defines with a full `engine` (a ttl beside it stops the server), nor crash_log (normally empty).
 */
const SYSTEM_LOG_TABLES = [
  'query_log',
  'query_thread_log',
  'query_views_log',
  'query_metric_log',
  'part_log',
  'trace_log',
  'text_log',
  'metric_log',
  'latency_log',
  'error_log',
  'asynchronous_metric_log',
  'processors_profile_log',
  'asynchronous_insert_log',
  'backup_log',
  's3queue_log',
  'blob_storage_log',
];

export function signozView(stack: Stack, has: Features) {
  const { signoz } = stack;
  const memory = stack.memoryMiB;
  const memLimit = (service: string) => `${memory[service]}m`;
  const image = (service: string) => stack.images[service] ?? '';
  const postgres = signoz.metastore === 'postgres';
  return {
    dsn: CLICKHOUSE_DSN,
    databases: {
      traces: `${CLICKHOUSE_DSN}/signoz_traces`,
      metrics: `${CLICKHOUSE_DSN}/signoz_metrics`,
      logs: `${CLICKHOUSE_DSN}/signoz_logs`,
      meter: `${CLICKHOUSE_DSN}/signoz_meter`,
      metadata: `${CLICKHOUSE_DSN}/signoz_metadata`,
    },
    collectorEnvironment: collectorEnvironment(),
    keeper: {
      service: FACTS.serviceNames.clickhouseKeeper,
      image: image(FACTS.serviceNames.clickhouseKeeper),
      port: FACTS.ports.keeper,
      raftPort: FACTS.ports.keeperRaft,
      memLimit: memLimit(FACTS.serviceNames.clickhouseKeeper),
      // Lists the root node: answers only when the keeper serves requests.
      health: healthcheck(
        ['CMD', 'clickhouse-keeper-client', '-h', 'localhost', '-p', String(FACTS.ports.keeper), '-q', 'ls'],
        { timeoutSeconds: 10 },
      ),
    },
    clickhouse: {
      service: FACTS.serviceNames.clickhouse,
      image: image(FACTS.serviceNames.clickhouse),
      memLimit: memLimit(FACTS.serviceNames.clickhouse),
      openFiles: signoz.clickhouse.openFilesLimit,
      systemLogs: SYSTEM_LOG_TABLES.map((table) => ({
        table,
        ttl: `event_date + INTERVAL ${signoz.clickhouse.systemLogRetentionDays} DAY DELETE`,
      })),
      // As upstream's compose file has it (test/render/signoz-upstream.test.ts compares).
      health: healthcheck(
        ['CMD', 'wget', '--spider', '-q', `http://127.0.0.1:${FACTS.ports.clickhouseHttp}/ping`],
        {
          startPeriodSeconds: 30,
        },
      ),
      nativePort: FACTS.ports.clickhouseNative,
    },
    userScripts: {
      service: FACTS.serviceNames.clickhouseUserScripts,
      image: image(FACTS.serviceNames.clickhouseUserScripts),
      url: signoz.histogramQuantileUrl.replace(/\/+$/, ''),
      // From a folder of the repository instead, when the stack file names one.
      dirMount: signoz.histogramQuantileDir
        ? readOnlyMount(
            path.posix.relative(stack.output, normalPath(signoz.histogramQuantileDir)),
            HISTOGRAM_QUANTILE_DIR,
          )
        : undefined,
      dir: HISTOGRAM_QUANTILE_DIR,
    },
    postgres: postgres
      ? {
          service: FACTS.serviceNames.postgres,
          image: image(FACTS.serviceNames.postgres),
          memLimit: memLimit(FACTS.serviceNames.postgres),
          health: healthcheck(['CMD-SHELL', 'pg_isready -U signoz -d signoz']),
        }
      : undefined,
    migrator: { service: FACTS.serviceNames.schemaMigrator, image: image(FACTS.serviceNames.schemaMigrator) },
    signoz: {
      service: FACTS.serviceNames.signoz,
      image: image(FACTS.serviceNames.signoz),
      ports: publisher(stack)(FACTS.ports.ui, stack.exposure.ports.signoz.ui),
      memLimit: memLimit(FACTS.serviceNames.signoz),
      health: healthcheck(
        ['CMD', 'wget', '--spider', '-q', `http://127.0.0.1:${FACTS.ports.ui}/api/v1/health`],
        {
          retries: 10,
          startPeriodSeconds: 60,
        },
      ),
      adminEmail: signoz.admin.email,
      organization: signoz.admin.organization,
      postgres,
      opampUrl: `ws://${FACTS.serviceNames.signoz}:${FACTS.ports.opamp}/v1/opamp`,
    },
    /** Its span metrics (RED per service, for SigNoz's APM views), written through the metrics exporter. */
    spanMetrics: has.spanMetrics,
    // For the README. The stack's name first: "stackgen logs signoz" alone would mean a stack called signoz.
    logsCommand: `npx stackgen logs ${stack.name} ${FACTS.serviceNames.signoz} ${FACTS.serviceNames.collector}`,
    migratorLogsCommand: `npx stackgen logs ${stack.name} ${FACTS.serviceNames.schemaMigrator}`,
  };
}

const COMPONENT: BackendRender['component'] = {
  name: 'signoz',
  runs: runs('signoz'),
  files: () => [
    yaml(
      'collector/opamp.yaml',
      'signoz/opamp.yaml',
      'Where the collector asks SigNoz for its pipelines (OpAMP).',
    ),
    yaml(
      'clickhouse/config.d/stackgen.yaml',
      'signoz/clickhouse-config.yaml',
      "What SigNoz needs of ClickHouse: the cluster, Keeper, the function's folder.",
    ),
    yaml(
      'clickhouse/functions.yaml',
      'signoz/functions.yaml',
      'The histogramQuantile function SigNoz queries call.',
    ),
    {
      path: 'clickhouse/fetch-histogram-quantile.sh',
      template: 'signoz/fetch-histogram-quantile.sh',
      format: 'shell',
      readme: {
        description:
          'Puts that function into ClickHouse once: from signoz.histogramQuantileDir, else downloaded from signoz.histogramQuantileUrl.',
      },
    },
    yaml('clickhouse-keeper/keeper.yaml', 'signoz/keeper.yaml', 'ClickHouse Keeper, one server.'),
  ],
  volumes: (stack) => [
    'clickhouse-keeper-data',
    'clickhouse-data',
    'clickhouse-user-scripts',
    ...(stack.signoz.metastore === 'postgres' ? ['postgres-data'] : []),
    'signoz-data',
  ],
  serviceTemplates: () => ['signoz/services.yaml', 'signoz/collector-service.yaml'],
  roles: () => ({
    [FACTS.serviceNames.clickhouseKeeper]: 'ClickHouse Keeper: coordination for ClickHouse',
    [FACTS.serviceNames.clickhouseUserScripts]:
      "One-shot: fetches ClickHouse's histogramQuantile function once, then exits",
    [FACTS.serviceNames.clickhouse]: 'ClickHouse: stores traces, metrics and logs',
    [FACTS.serviceNames.postgres]: "PostgreSQL: SigNoz's users, dashboards and alerts",
    [FACTS.serviceNames.schemaMigrator]:
      "One-shot: creates and upgrades SigNoz's schema in ClickHouse, then exits",
    [FACTS.serviceNames.signoz]: 'SigNoz: UI, query API and alerts',
  }),
  endpoints: (stack, { url }) => [
    {
      name: `SigNoz (admin ${stack.signoz.admin.email})`,
      host: url(stack.exposure.ports.signoz.ui),
      network: `http://${FACTS.serviceNames.signoz}:${FACTS.ports.ui}`,
    },
  ],
};

const COLLECTOR = FACTS.serviceNames.collector;

/**
 * SigNoz's collector writes to ClickHouse. Its span metrics processor sees every span, before any
 * sampling; the signozmeter connector counts what comes in, for SigNoz's usage views.
 */
function collectorPipelines(has: Features): Pipeline[] {
  const spanMetrics = has.spanMetrics ? ['signozspanmetrics/delta'] : [];
  const store = ['clickhousetraces', 'metadataexporter'];
  const pipelines: Pipeline[] = has.sampling
    ? [
        {
          name: 'traces',
          receivers: ['otlp'],
          processors: ['memory_limiter', ...spanMetrics],
          exporters: ['forward/sampling', 'signozmeter'],
        },
        {
          name: 'traces/sampled',
          receivers: ['forward/sampling'],
          processors: ['probabilistic_sampler', 'batch'],
          exporters: store,
        },
      ]
    : [
        {
          name: 'traces',
          receivers: ['otlp'],
          processors: ['memory_limiter', ...spanMetrics, 'batch'],
          exporters: [...store, 'signozmeter'],
        },
      ];
  if (has.metrics) {
    pipelines.push({
      name: 'metrics',
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['signozclickhousemetrics', 'metadataexporter', 'signozmeter'],
    });
  }
  if (has.logs) {
    pipelines.push({
      name: 'logs',
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['clickhouselogsexporter', 'metadataexporter', 'signozmeter'],
    });
  }
  pipelines.push({
    name: 'metrics/meter',
    receivers: ['signozmeter'],
    processors: ['batch/meter'],
    exporters: ['signozclickhousemeter'],
  });
  return pipelines;
}

export const RENDER: BackendRender = {
  view: signozView,
  component: COMPONENT,
  secrets: signozSecrets,
  ownCollector: {
    configTemplate: 'signoz/collector.yaml',
    tlsDir: '/etc/otel-collector/tls',
    // It also answers as the name SigNoz's own deployments give it.
    aliases: ['signoz-otel-collector'],
    pipelines: collectorPipelines,
    role: "SigNoz's OpenTelemetry collector: receives OTLP from your apps, writes to ClickHouse",
  },
  swarmSecrets: {
    [FACTS.serviceNames.postgres]: { fileVariable: (key) => `${key}_FILE` },
    // SigNoz reads its settings only from its environment. Its image's ENTRYPOINT and CMD
    // (SigNoz's cmd/enterprise/Dockerfile), run from WORKDIR /root.
    [FACTS.serviceNames.signoz]: { runs: { entrypoint: ['./signoz'], command: ['server'] } },
  },
  readme: { about: 'signoz/readme-about.md', troubleshooting: 'signoz/readme-troubleshooting.md' },
  diagram: (stack) => {
    const { signoz, clickhouse, clickhouseKeeper, clickhouseUserScripts, schemaMigrator, postgres } =
      FACTS.serviceNames;
    return {
      ports: {
        [signoz]: [{ what: 'UI', port: FACTS.ports.ui, host: stack.exposure.ports.signoz.ui }],
        [clickhouse]: [
          { what: 'HTTP', port: FACTS.ports.clickhouseHttp, host: false },
          { what: 'native', port: FACTS.ports.clickhouseNative, host: false },
        ],
        [clickhouseKeeper]: [{ what: 'client', port: FACTS.ports.keeper, host: false }],
      },
      edges: [
        { from: COLLECTOR, to: clickhouse, label: 'traces, metrics, logs' },
        { from: clickhouse, to: signoz, label: 'queries' },
        { from: signoz, to: COLLECTOR, label: 'pipelines (OpAMP)', dotted: true },
        { from: clickhouseKeeper, to: clickhouse, label: 'coordination', dotted: true },
        { from: clickhouseUserScripts, to: clickhouse, label: 'histogramQuantile function', dotted: true },
        { from: schemaMigrator, to: clickhouse, label: 'schema', dotted: true },
        { from: postgres, to: signoz, label: 'users, dashboards, alerts', dotted: true },
      ],
    };
  },
};

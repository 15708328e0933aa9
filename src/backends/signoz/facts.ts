/**
 * SigNoz: its query service and UI, its own collector distribution (which replaces the stack's collector),
 * the schema migrator, ClickHouse with its keeper and user scripts, and PostgreSQL when it is the metastore.
 */
import type { BackendFacts } from '../backend.js';
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';
import { FACTS as COLLECTOR } from '../../components/collector/facts.js';
import { RULES } from './rules.js';

/** Where the ClickHouse histogramQuantile function comes from (SigNoz's release on GitHub by default). */
const HISTOGRAM_QUANTILE_URL =
  'https://github.com/SigNoz/signoz/releases/download/histogram-quantile%2Fv0.0.1';

const NAMES = {
  signoz: 'signoz',
  clickhouse: 'clickhouse',
  clickhouseKeeper: 'clickhouse-keeper',
  clickhouseUserScripts: 'clickhouse-user-scripts',
  postgres: 'postgres',
  schemaMigrator: 'schema-migrator',
  /** Its collector takes the stack's collector's name: apps reach it the same way on every backend. */
  collector: COLLECTOR.serviceName,
} as const;

/** Its section of the stack file, `signoz:` (only with `backend: signoz`). */
const settings = ({ z, memoryLimitMiB, relativePath }: SchemaKit) =>
  z
    .strictObject({
      memoryLimitMiB: memoryLimitMiB(1024),
      clickhouse: z
        .strictObject({
          memoryLimitMiB: memoryLimitMiB(3072),
          systemLogRetentionDays: z
            .number()
            .int()
            .min(1)
            .max(3650)
            .default(7)
            .describe(
              'Days ClickHouse keeps its own system logs (query_log, trace_log, metric_log and the like), which otherwise grow forever even with no data sent.',
            ),
          openFilesLimit: z
            .number()
            .int()
            .min(1024)
            .max(1048576)
            .default(262144)
            .describe(
              "Open files ClickHouse may hold (its ulimit); too few fail it under load. The Docker engine must allow as many (Debian's docker.service allows 1048576).",
            ),
        })
        .prefault({})
        .describe(
          'ClickHouse, where SigNoz stores traces, metrics and logs. It wants memory: 3 GiB or more.',
        ),
      metastore: z
        .enum(['sqlite', 'postgres'])
        .default('sqlite')
        .describe(
          'Where SigNoz keeps users, dashboards and alerts: SQLite on a volume, or a PostgreSQL service.',
        ),
      admin: z
        .strictObject({
          email: z.email({ error: 'expected an email address' }).default('admin@example.com'),
          organization: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe(
              'The organisation SigNoz creates at its first start. Default: the stack name. SigNoz finds it again by the ID stackgen keeps in .env (SIGNOZ_ORG_ID), so renaming it later changes nothing in SigNoz (and never makes a second organisation, which would lock out the collector).',
            ),
        })
        .prefault({})
        .describe(
          'The admin SigNoz creates at start (password in .env). With it SigNoz hands the collector its pipelines at once, instead of after someone signs up.',
        ),
      histogramQuantileUrl: z
        .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
        .regex(/^[^?#]*$/, {
          message: 'expected a folder URL without ?query or #fragment (the file name is appended to it)',
        })
        .default(HISTOGRAM_QUANTILE_URL)
        .describe(
          'Where the ClickHouse histogramQuantile function is downloaded from at first start: a folder holding histogram-quantile_<os>_<arch>.tar.gz. Point it at a mirror in an air gap, or use histogramQuantileDir.',
        ),
      histogramQuantileDir: relativePath
        .optional()
        .describe(
          'A folder of the repository holding histogram-quantile_linux_amd64.tar.gz (and/or _arm64), as SigNoz releases them: used instead of downloading, so the SigNoz stack starts with no network at all. Relative to the project root.',
        ),
    })
    .describe('Settings of the SigNoz backend (backend: signoz).');

export type SignozSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'signoz',
  title: 'SigNoz',
  settings,
  images: {
    signoz: { repository: 'signoz/signoz', version: 'v0.138.0' },
    signozCollector: { repository: 'signoz/signoz-otel-collector', version: 'v0.144.7' },
    // The ClickHouse SigNoz tests and deploys with (its CI, its Helm chart, Foundry): 25.12.5, exactly.
    clickhouse: { repository: 'clickhouse/clickhouse-server', version: '25.12.5' },
    clickhouseKeeper: { repository: 'clickhouse/clickhouse-keeper', version: '25.12.5' },
    postgres: { repository: 'postgres', version: '16.15' },
  },
  serviceNames: {
    signoz: NAMES.signoz,
    clickhouse: NAMES.clickhouse,
    clickhouseKeeper: NAMES.clickhouseKeeper,
    clickhouseUserScripts: NAMES.clickhouseUserScripts,
    postgres: NAMES.postgres,
    schemaMigrator: NAMES.schemaMigrator,
    collector: NAMES.collector,
  },
  ports: {
    ui: 8080,
    opamp: 4320,
    clickhouseHttp: 8123,
    clickhouseNative: 9000,
    keeper: 9181,
    keeperRaft: 9234,
  },
  hostPorts: { defaults: { ui: 8080 }, description: 'SigNoz UI and API (8080).' },
  ownCollector: true,
  ownUi: true,
  storesLogs: 'stores logs in ClickHouse itself',
  keepsSpanMetrics: 'keeps its span metrics in ClickHouse, for its own UI',
  rules: RULES,
  userFolders: (settings) =>
    settings.histogramQuantileDir
      ? [
          {
            path: settings.histogramQuantileDir,
            key: ['signoz', 'histogramQuantileDir'],
            holds: /^histogram-quantile_linux_(amd64|arm64)\.tar\.gz$/,
            what: "histogram-quantile_linux_amd64.tar.gz or _arm64.tar.gz (SigNoz's release files)",
          },
        ]
      : [],
  openFiles: (settings) => ({
    service: NAMES.clickhouse,
    what: 'ClickHouse',
    limit: settings.clickhouse.openFilesLimit,
    key: 'signoz.clickhouse.openFilesLimit',
  }),
  // Not a secret, and interpolated where it is used.
  plainVariables: ['SIGNOZ_ORG_ID'],
  /** The organisation SigNoz makes at its first start is named after the stack unless the file names one. */
  complete: (settings, stack) => ({
    ...settings,
    admin: { ...settings.admin, organization: settings.admin.organization ?? stack.name },
  }),
  services: (settings) => [
    { name: NAMES.clickhouseKeeper, image: 'clickhouseKeeper' },
    { name: NAMES.clickhouseUserScripts, image: 'clickhouse', oneShot: true, sameImageAs: NAMES.clickhouse },
    { name: NAMES.clickhouse, image: 'clickhouse' },
    ...(settings.metastore === 'postgres' ? [{ name: NAMES.postgres, image: 'postgres' }] : []),
    { name: NAMES.schemaMigrator, image: 'signozCollector', oneShot: true, sameImageAs: NAMES.collector },
    { name: NAMES.signoz, image: 'signoz' },
    // Listed after what it depends on.
    { name: NAMES.collector, image: 'signozCollector' },
  ],
  memoryMiB: (settings) => ({
    [NAMES.signoz]: settings.memoryLimitMiB,
    [NAMES.clickhouse]: settings.clickhouse.memoryLimitMiB,
    [NAMES.clickhouseKeeper]: 512,
    [NAMES.postgres]: 512,
  }),
} as const satisfies BackendFacts<SignozSettings>;

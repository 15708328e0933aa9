/**
 * SigNoz: its query service and UI, its own collector distribution (which replaces the stack's collector),
 * the schema migrator, ClickHouse with its keeper and user scripts, and PostgreSQL when it is the metastore.
 */
import type { BackendFacts } from '../backend.js';
import type { z } from 'zod';
import type { SignozSchema } from '../../model/schema.js';

const NAMES = {
  signoz: 'signoz',
  clickhouse: 'clickhouse',
  clickhouseKeeper: 'clickhouse-keeper',
  clickhouseUserScripts: 'clickhouse-user-scripts',
  postgres: 'postgres',
  schemaMigrator: 'schema-migrator',
  /** Its collector takes the stack's collector's name: apps reach it the same way on every backend. */
  collector: 'otel-collector',
} as const;

export const FACTS = {
  name: 'signoz',
  title: 'SigNoz',
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
} as const satisfies BackendFacts<z.output<typeof SignozSchema>>;

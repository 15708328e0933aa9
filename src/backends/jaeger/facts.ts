/** Jaeger v2 (one binary: the collector's distribution with badger storage, the query API and the UI). */
import type { BackendFacts } from '../backend.js';
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';

/** Its section of the stack file, `jaeger:` (only with `backend: jaeger`). */
const settings = ({ z, goDuration, memoryLimitMiB }: SchemaKit) =>
  z
    .strictObject({
      retention: goDuration.default('168h').describe('How long Jaeger keeps traces (badger TTL), e.g. 72h.'),
      memoryLimitMiB: memoryLimitMiB(1024),
    })
    .describe('Settings of the Jaeger backend (backend: jaeger).');

export type JaegerSettings = zod.output<ReturnType<typeof settings>>;

const SERVICE = 'jaeger';
const PORTS = { ui: 16686, queryGrpc: 16685, health: 13133, telemetry: 8888 } as const;

export const FACTS = {
  name: 'jaeger',
  title: 'Jaeger',
  settings,
  images: { jaeger: { repository: 'jaegertracing/jaeger', version: '2.20.0' } },
  serviceNames: { jaeger: SERVICE },
  ports: PORTS,
  hostPorts: { defaults: { ui: 16686 }, description: 'Jaeger UI and query API (16686).' },
  services: () => [{ name: SERVICE, image: 'jaeger' }],
  // Jaeger v2 is a collector distribution: its own telemetry is the collector's otelcol_* metrics.
  scrapeTargets: [{ job: 'jaeger', target: `${SERVICE}:${PORTS.telemetry}` }],
  withWget: [SERVICE],
  datasource: { uid: 'jaeger', name: 'Jaeger', type: 'jaeger' },
  memoryMiB: (settings) => ({ [SERVICE]: settings.memoryLimitMiB }),
} as const satisfies BackendFacts<JaegerSettings>;

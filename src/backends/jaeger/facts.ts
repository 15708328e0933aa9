/** Jaeger v2 (one binary: the collector's distribution with badger storage, the query API and the UI). */
import type { BackendFacts } from '../backend.js';
import type { z } from 'zod';
import type { JaegerSchema } from '../../model/schema.js';

export const FACTS = {
  name: 'jaeger',
  title: 'Jaeger',
  images: { jaeger: { repository: 'jaegertracing/jaeger', version: '2.20.0' } },
  serviceNames: { jaeger: 'jaeger' },
  ports: { ui: 16686, queryGrpc: 16685, health: 13133, telemetry: 8888 },
  hostPorts: { defaults: { ui: 16686 }, description: 'Jaeger UI and query API (16686).' },
  services: () => [{ name: 'jaeger', image: 'jaeger' }],
  memoryMiB: (settings) => ({ jaeger: settings.memoryLimitMiB }),
} as const satisfies BackendFacts<z.output<typeof JaegerSchema>>;

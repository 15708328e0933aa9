/** Grafana Tempo 3, with the one-shot step that hands it its data volume. */
import type { BackendFacts } from '../backend.js';
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';

/** Its section of the stack file, `tempo:` (only with `backend: tempo`). */
const settings = ({ z, goDuration, memoryLimitMiB }: SchemaKit) =>
  z
    .strictObject({
      retention: goDuration
        .default('336h')
        .describe('How long Tempo keeps traces (block retention), e.g. 168h.'),
      memoryLimitMiB: memoryLimitMiB(1024),
      metricsGenerator: z
        .strictObject({
          spanMetrics: z
            .boolean()
            .default(true)
            .describe('Request rate, errors and duration per service and operation.'),
          serviceGraphs: z
            .boolean()
            .default(true)
            .describe("Calls between services, for Grafana's service map."),
        })
        .prefault({})
        .describe("Tempo's metrics generator, remote-writing metrics derived from traces to Prometheus."),
    })
    .describe('Settings of the Tempo backend (backend: tempo).');

export type TempoSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'tempo',
  title: 'Tempo',
  settings,
  images: {
    tempo: { repository: 'grafana/tempo', version: '3.0.3' },
    // 1.38 is Docker Hub's "unstable" busybox.
    busybox: { repository: 'busybox', version: '1.37.0' },
  },
  serviceNames: { tempo: 'tempo', tempoInit: 'tempo-init' },
  ports: { http: 3200, grpc: 9095 },
  derivesSpanMetrics: true,
  hostPorts: { defaults: { api: 3200 }, description: 'Tempo query API (3200).' },
  services: () => [
    { name: 'tempo-init', image: 'busybox', oneShot: true },
    { name: 'tempo', image: 'tempo' },
  ],
  memoryMiB: (settings) => ({ tempo: settings.memoryLimitMiB }),
} as const satisfies BackendFacts<TempoSettings>;

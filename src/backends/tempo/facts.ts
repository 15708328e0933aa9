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

const NAMES = { tempo: 'tempo', tempoInit: 'tempo-init' } as const;
const PORTS = { http: 3200, grpc: 9095 } as const;

export const FACTS = {
  name: 'tempo',
  title: 'Tempo',
  settings,
  images: {
    tempo: { repository: 'grafana/tempo', version: '3.0.3' },
    // 1.38 is Docker Hub's "unstable" busybox.
    busybox: { repository: 'busybox', version: '1.37.0' },
  },
  serviceNames: NAMES,
  ports: PORTS,
  spanMetricsKey: 'tempo.metricsGenerator.spanMetrics',
  // Its metrics generator: named as Tempo names them, the duration in seconds.
  spanMetrics: (settings) =>
    settings.metricsGenerator.spanMetrics
      ? {
          origin: 'backend',
          madeBy: "Tempo's metrics generator",
          calls: 'traces_spanmetrics_calls_total',
          durationBucket: 'traces_spanmetrics_latency_bucket',
          serviceLabel: 'service',
          unit: 's',
          exemplarLabel: 'traceID',
        }
      : undefined,
  writesMetrics: (settings) =>
    settings.metricsGenerator.spanMetrics || settings.metricsGenerator.serviceGraphs,
  hostPorts: { defaults: { api: 3200 }, description: 'Tempo query API (3200).' },
  services: () => [
    { name: NAMES.tempoInit, image: 'busybox', oneShot: true },
    { name: NAMES.tempo, image: 'tempo' },
  ],
  // Tempo serves its own metrics on its API port, HTTPS when the stack's TLS is on.
  scrapeTargets: [{ job: 'tempo', target: `${NAMES.tempo}:${PORTS.http}`, tls: true }],
  datasource: { uid: 'tempo', name: 'Tempo', type: 'tempo' },
  // Its receivers and API serve TLS when the stack's TLS is on.
  tlsServer: NAMES.tempo,
  memoryMiB: (settings) => ({ [NAMES.tempo]: settings.memoryLimitMiB }),
} as const satisfies BackendFacts<TempoSettings>;

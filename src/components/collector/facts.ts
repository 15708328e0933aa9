/** The OpenTelemetry Collector (contrib distribution): where apps send OTLP, on every backend. */
import type * as zod from 'zod';
import type { SchemaKit } from '../../model/schema-kit.js';
import type { ComponentFacts } from '../facts.js';

/** The signals the collector can take and forward. */
export const SIGNALS = ['traces', 'metrics', 'logs'] as const;
export type Signal = (typeof SIGNALS)[number];

/** Its section of the stack file, `collector:`. */
const settings = ({ z, port, goDuration }: SchemaKit) =>
  z
    .strictObject({
      otlp: z
        .strictObject({
          grpcPort: port.default(4317).describe('OTLP/gRPC port inside the Docker networks.'),
          httpPort: port.default(4318).describe('OTLP/HTTP port inside the Docker networks.'),
          cors: z
            .strictObject({
              allowedOrigins: z
                .array(
                  z
                    .string()
                    .regex(/^(\*|https?:\/\/[A-Za-z0-9*._:-]+|https?:\/\/\[[0-9a-fA-F:]+\](:\d+)?)$/, {
                      message:
                        'expected an origin such as https://app.example.com, http://localhost:5173, https://*.example.com or *',
                    }),
                )
                .min(1)
                .describe(
                  'Origins whose pages may send OTLP/HTTP (e.g. http://localhost:5173, https://*.example.com; * allows any).',
                ),
              allowedHeaders: z
                .array(
                  z
                    .string()
                    .regex(/^(\*|[A-Za-z0-9-]+)$/, { message: 'expected a header name such as X-Api-Key' }),
                )
                .default([])
                .describe(
                  'Request headers browsers may send besides the ones always allowed (Content-Type and the like).',
                ),
              maxAge: z
                .number()
                .int()
                .min(0)
                .max(86400)
                .optional()
                .describe('Seconds browsers may cache the answer to their preflight request.'),
            })
            .optional()
            .describe(
              'CORS on OTLP/HTTP, for browser apps (the OpenTelemetry JS web SDK): without it browsers block the export.',
            ),
        })
        .prefault({})
        .describe(
          'Ports the collector receives OTLP on. Receivers always bind 0.0.0.0 inside the container.',
        ),
      memoryLimitMiB: z
        .number()
        .int()
        .min(128)
        .max(65536)
        .default(512)
        .describe('Container memory limit. The memory_limiter and GOMEMLIMIT are derived from it.'),
      batch: z
        .strictObject({
          sendBatchSize: z
            .number()
            .int()
            .min(1)
            .max(1_000_000)
            .default(8192)
            .describe('Spans, points or records per batch.'),
          timeout: goDuration.default('200ms').describe('Longest wait before a partial batch is sent.'),
        })
        .prefault({})
        .describe('The batch processor, last before the exporters.'),
      samplingRatio: z
        .number()
        .gt(0)
        .max(1)
        .default(1)
        .describe(
          "Share of traces kept for the trace backend (1 keeps all). Request rates and durations still count every span: the collector's span metrics are made before sampling, and Tempo's metrics generator scales the sampled spans back up (it reads the sampling probability the collector writes into each span's tracestate).",
        ),
      spanMetrics: z
        .boolean()
        .optional()
        .describe(
          'Derive request rate, errors and duration per service from spans, for Prometheus and Grafana. Default: true, but false with Tempo, whose metrics generator makes them.',
        ),
      signals: z
        .array(z.enum(SIGNALS))
        .min(1)
        .optional()
        .describe(
          'Signals the collector accepts and forwards. Default: traces and metrics, and logs with loki.enabled; with SigNoz all three, and SigNoz needs logs: it hands its collector a configuration only when that has a logs pipeline, and until then the collector accepts nothing.',
        ),
    })
    .prefault({})
    .describe('The OpenTelemetry collector (contrib) your apps send OTLP to.');

export type CollectorSettings = zod.output<ReturnType<typeof settings>>;

export const FACTS = {
  name: 'collector',
  title: 'OpenTelemetry Collector',
  settings,
  image: { repository: 'otel/opentelemetry-collector-contrib', version: '0.159.0' },
  serviceName: 'otel-collector',
  ports: { collectorHealth: 13133, collectorTelemetry: 8888, collectorPrometheusExporter: 8889 },
  hostPorts: {
    defaults: { otlpGrpc: 4317, otlpHttp: 4318, health: 13133 },
    description: 'OTLP gRPC (4317), OTLP HTTP (4318) and the health endpoint (13133).',
  },
} as const satisfies ComponentFacts<CollectorSettings>;

/** The OpenTelemetry Collector (contrib distribution): where apps send OTLP, on every backend. */
import type { ComponentFacts } from '../facts.js';

export const FACTS = {
  name: 'collector',
  title: 'OpenTelemetry Collector',
  image: { repository: 'otel/opentelemetry-collector-contrib', version: '0.159.0' },
  serviceName: 'otel-collector',
  ports: { collectorHealth: 13133, collectorTelemetry: 8888, collectorPrometheusExporter: 8889 },
  hostPorts: {
    defaults: { otlpGrpc: 4317, otlpHttp: 4318, health: 13133 },
    description: 'OTLP gRPC (4317), OTLP HTTP (4318) and the health endpoint (13133).',
  },
} as const satisfies ComponentFacts;

import { describe, expect, it } from 'vitest';
import { collectorComponentNames } from '../../src/components/collector/names.js';

describe('collector component names by version', () => {
  it.each([
    ['otel/opentelemetry-collector-contrib:0.143.0', 'otlp', 'spanmetrics'],
    ['otel/opentelemetry-collector-contrib:0.144.0', 'otlp_grpc', 'spanmetrics'],
    ['otel/opentelemetry-collector-contrib:0.150.2', 'otlp_grpc', 'spanmetrics'],
    ['otel/opentelemetry-collector-contrib:0.151.0', 'otlp_grpc', 'span_metrics'],
    ['mirror.example.com:5000/otel/opentelemetry-collector-contrib:v0.159.0', 'otlp_grpc', 'span_metrics'],
    ['otel/opentelemetry-collector-contrib:0.120.0@sha256:' + 'a'.repeat(64), 'otlp', 'spanmetrics'],
    ['registry.local/otelcol:stable', 'otlp_grpc', 'span_metrics'],
    ['otel/opentelemetry-collector-contrib:1.0.0', 'otlp_grpc', 'span_metrics'],
  ])('%s uses %s and %s', (image, otlp, spanMetrics) => {
    expect(collectorComponentNames(image)).toEqual({
      otlpGrpcExporter: otlp,
      // Renamed in the same release as the gRPC exporter.
      otlpHttpExporter: otlp === 'otlp' ? 'otlphttp' : 'otlp_http',
      spanMetricsConnector: spanMetrics,
    });
  });
});

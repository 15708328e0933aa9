/** Ports inside the containers (the upstream defaults). */
export const INTERNAL_PORTS = {
  collectorHealth: 13133,
  collectorTelemetry: 8888,
  collectorPrometheusExporter: 8889,
  /** OTLP/gRPC of the trace backend (Jaeger or Tempo), which only the collector uses. */
  backendOtlpGrpc: 4317,
  backendOtlpHttp: 4318,
  lokiHttp: 3100,
  lokiGrpc: 9095,
  prometheus: 9090,
  grafana: 3000,
} as const;

/** Ports inside the containers (the upstream defaults). */
export const INTERNAL_PORTS = {
  collectorHealth: 13133,
  collectorTelemetry: 8888,
  collectorPrometheusExporter: 8889,
  /** OTLP/gRPC of the trace backend (Jaeger or Tempo), which only the collector uses. */
  backendOtlpGrpc: 4317,
  backendOtlpHttp: 4318,
  jaegerUi: 16686,
  jaegerQueryGrpc: 16685,
  jaegerHealth: 13133,
  jaegerTelemetry: 8888,
  tempoHttp: 3200,
  tempoGrpc: 9095,
  signozUi: 8080,
  signozOpamp: 4320,
  clickhouseHttp: 8123,
  clickhouseNative: 9000,
  keeper: 9181,
  keeperRaft: 9234,
  prometheus: 9090,
  grafana: 3000,
} as const;

/**
 * The collector renamed components to snake_case over 2026 (`otlp` → `otlp_grpc` and `otlphttp` →
 * `otlp_http` in v0.144.0,
 * `spanmetrics` → `span_metrics` in contrib v0.151.0). The new names fail on older collectors and the old
 * ones log deprecation warnings on newer ones, so the config uses the names of the pinned version.
 */
export interface CollectorNames {
  otlpGrpcExporter: 'otlp_grpc' | 'otlp';
  otlpHttpExporter: 'otlp_http' | 'otlphttp';
  spanMetricsConnector: 'span_metrics' | 'spanmetrics';
}

const RENAMES = { otlpExporters: [0, 144], spanMetrics: [0, 151] } as const;

/**
 * Names for an image reference such as `otel/opentelemetry-collector-contrib:0.159.0`. A tag that is not
 * a version (a mirror's own tag) gets the current names.
 */
export function collectorComponentNames(image: string): CollectorNames {
  const version = /:v?(\d+)\.(\d+)\.\d+(?:[-+@][^/]*)?$/.exec(image);
  const atLeast = ([major, minor]: readonly [number, number]) =>
    !version || Number(version[1]) > major || (Number(version[1]) === major && Number(version[2]) >= minor);
  return {
    otlpGrpcExporter: atLeast(RENAMES.otlpExporters) ? 'otlp_grpc' : 'otlp',
    otlpHttpExporter: atLeast(RENAMES.otlpExporters) ? 'otlp_http' : 'otlphttp',
    spanMetricsConnector: atLeast(RENAMES.spanMetrics) ? 'span_metrics' : 'spanmetrics',
  };
}

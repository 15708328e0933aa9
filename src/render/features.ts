/** Which features of a stack are on: what the views and templates decide by (the view's `has`). */
import { BACKEND_LIST, backendOf, type BackendName } from '../backends/index.js';
import type { Stack } from '../model/normalize.js';
import { spanMetricsSource } from './span-metrics.js';

export function featuresOf(stack: Stack) {
  const { collector, components } = stack;
  const runs = (role: Stack['components'][number]) => components.includes(role);
  return {
    /** Which backend runs, by name. */
    ...(Object.fromEntries(BACKEND_LIST.map((b) => [b.name, runs(b.name as BackendName)])) as Record<
      BackendName,
      boolean
    >),
    /** Loki stores the logs the collector accepts. */
    loki: runs('loki'),
    prometheus: runs('prometheus'),
    grafana: runs('grafana'),
    dashboards: runs('grafana') && stack.grafana.dashboards.length > 0,
    /** The collector's span metrics connector. */
    spanMetrics: collector.spanMetrics,
    /** The backend writes metrics to Prometheus (Tempo's metrics generator, by remote write). */
    remoteWrite: backendOf(stack.backend).writesMetrics?.(stack[stack.backend]) ?? false,
    redMetrics: spanMetricsSource(stack) !== undefined,
    /** Grafana links from a span to its service's RED metrics in Prometheus. */
    tracesToMetrics: runs('grafana') && runs('prometheus') && spanMetricsSource(stack) !== undefined,
    metrics: collector.signals.includes('metrics'),
    logs: collector.signals.includes('logs'),
    sampling: collector.samplingRatio < 1,
    tls: stack.tls.enabled,
  };
}

export type Features = ReturnType<typeof featuresOf>;

/**
 * Where a stack's RED metrics (request rate, errors, duration per service) come from, and what they are
 * called in Prometheus: the collector's span metrics connector and a backend that derives its own (Tempo's
 * metrics generator) name them differently (metric names, the service label, milliseconds or seconds, the
 * exemplar's trace id label).
 */
import { backendOf } from '../backends/index.js';
import type { Stack } from '../model/normalize.js';

export interface SpanMetricsSource {
  origin: 'collector' | 'backend';
  /** What makes them, in prose. */
  madeBy: string;
  calls: string;
  durationBucket: string;
  serviceLabel: string;
  unit: 'ms' | 's';
  /** The exemplar label holding the trace id, for Grafana's links from a point to its trace. */
  exemplarLabel: string;
}

const COLLECTOR: SpanMetricsSource = {
  origin: 'collector',
  madeBy: "the collector's span metrics connector",
  calls: 'traces_span_metrics_calls_total',
  durationBucket: 'traces_span_metrics_duration_milliseconds_bucket',
  serviceLabel: 'service_name',
  unit: 'ms',
  exemplarLabel: 'trace_id',
};

/** The backend's own when it makes them, else the collector's connector, else none. */
export function spanMetricsSource(stack: Stack): SpanMetricsSource | undefined {
  return allSpanMetricsSources(stack)[0];
}

/** Every source feeding Prometheus (both, when a Tempo stack also runs the collector's connector). */
export function allSpanMetricsSources(stack: Stack): SpanMetricsSource[] {
  const backend = backendOf(stack.backend);
  // A backend that keeps them (SigNoz, in ClickHouse) feeds Prometheus none.
  if (backend.keepsSpanMetrics) return [];
  const own = backend.spanMetrics?.(stack[stack.backend]);
  return [...(own ? [own] : []), ...(stack.collector.spanMetrics ? [COLLECTOR] : [])];
}

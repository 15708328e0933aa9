/**
 * Where a stack's RED metrics (request rate, errors, duration per service) come from, and what they are
 * called in Prometheus: the collector's span metrics connector and Tempo's metrics generator name them
 * differently (metric names, the service label, milliseconds or seconds, the exemplar's trace id label).
 */
import type { Stack } from '../model/normalize.js';

export interface SpanMetricsSource {
  origin: 'collector' | 'tempo';
  calls: string;
  durationBucket: string;
  serviceLabel: string;
  unit: 'ms' | 's';
  /** The exemplar label holding the trace id, for Grafana's links from a point to its trace. */
  exemplarLabel: string;
}

const COLLECTOR: SpanMetricsSource = {
  origin: 'collector',
  calls: 'traces_span_metrics_calls_total',
  durationBucket: 'traces_span_metrics_duration_milliseconds_bucket',
  serviceLabel: 'service_name',
  unit: 'ms',
  exemplarLabel: 'trace_id',
};

const TEMPO: SpanMetricsSource = {
  origin: 'tempo',
  calls: 'traces_spanmetrics_calls_total',
  durationBucket: 'traces_spanmetrics_latency_bucket',
  serviceLabel: 'service',
  unit: 's',
  exemplarLabel: 'traceID',
};

/** Tempo's generator when it makes them, else the collector's connector, else none. */
export function spanMetricsSource(stack: Stack): SpanMetricsSource | undefined {
  // SigNoz's span metrics go to ClickHouse, for its own UI.
  if (stack.backend === 'signoz') return undefined;
  if (stack.components.includes('tempo') && stack.tempo.metricsGenerator.spanMetrics) return TEMPO;
  if (stack.collector.spanMetrics) return COLLECTOR;
  return undefined;
}

/** Every source feeding Prometheus (both, when a Tempo stack also runs the collector's connector). */
export function allSpanMetricsSources(stack: Stack): SpanMetricsSource[] {
  const sources: SpanMetricsSource[] = [];
  if (stack.backend === 'signoz') return sources;
  if (stack.components.includes('tempo') && stack.tempo.metricsGenerator.spanMetrics) sources.push(TEMPO);
  if (stack.collector.spanMetrics) sources.push(COLLECTOR);
  return sources;
}

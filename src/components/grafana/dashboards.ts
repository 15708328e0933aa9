/**
 * The built-in Grafana dashboards as data: panels and PromQL. Templates under
 * templates/grafana/dashboards lay them out as dashboard JSON.
 */
import { COLLECTOR_JOB } from '../../model/scrape-jobs.js';
import type { SpanMetricsSource } from '../../render/span-metrics.js';

/** Dashboard JSON model version the panels are written for; Grafana migrates older ones on load. */
export const DASHBOARD_SCHEMA_VERSION = 41;

interface Target {
  refId: string;
  expr: string;
  legend: string;
  exemplar: boolean;
}

interface Panel {
  id: number;
  type: 'timeseries';
  title: string;
  description: string;
  unit: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}

/**
 * The collector's internal metrics; suffixes differ between versions, so names match both forms. Only the
 * collector's job: Jaeger v2 serves otelcol_* metrics of its own.
 */
export const internal = (name: string, suffix: string) =>
  `{__name__=~"otelcol_${name}(${suffix})?", job="${COLLECTOR_JOB}"}`;

/**
 * The logs of the selected services in Loki, below the RED panels, full width. `$service` is a regex of the
 * selected services, or `.+` for all: Loki refuses a selector that matches an empty label (`.*`).
 */
export function logsPanel(id: number, y: number) {
  return {
    id,
    title: 'Logs',
    description: 'Log records of the selected services, newest first. A trace id links to its trace.',
    gridPos: { x: 0, y, w: 24, h: 12 },
    expr: '{service_name=~"$service"}',
  };
}

function grid(panels: Omit<Panel, 'id' | 'gridPos' | 'type'>[]): Panel[] {
  // Two panels a row, 12 columns each, 8 high.
  return panels.map((panel, i) => ({
    ...panel,
    id: i + 1,
    type: 'timeseries',
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
  }));
}

const target = (refId: string, expr: string, legend: string, exemplar = false): Target => ({
  refId,
  expr,
  legend,
  exemplar,
});

/** RED panels over the span metrics of `source` (the collector's connector or Tempo's generator). */
export function redDashboardPanels(source: SpanMetricsSource): Panel[] {
  const service = source.serviceLabel;
  const SELECTED = `${service}=~"$service", span_kind=~"$kind"`;
  const rate = (matchers: string) => `rate(${source.calls}{${matchers}}[$__rate_interval])`;
  const quantile = (q: number, by: string) =>
    `histogram_quantile(${q}, sum by (le${by}) (rate(${source.durationBucket}{${SELECTED}}[$__rate_interval])))`;
  return grid([
    {
      title: 'Request rate',
      description: 'Spans per second, per service.',
      unit: 'reqps',
      targets: [target('A', `sum by (${service}) (${rate(SELECTED)})`, `{{${service}}}`)],
    },
    {
      title: 'Error rate',
      description: 'Share of spans with status ERROR, per service.',
      unit: 'percentunit',
      targets: [
        target(
          'A',
          `sum by (${service}) (${rate(`${SELECTED}, status_code="STATUS_CODE_ERROR"`)}) / sum by (${service}) (${rate(SELECTED)})`,
          `{{${service}}}`,
        ),
      ],
    },
    {
      title: 'Duration p95',
      description: '95th percentile span duration, per service. Points with exemplars link to their trace.',
      unit: source.unit,
      targets: [target('A', quantile(0.95, `, ${service}`), `{{${service}}}`, true)],
    },
    {
      title: 'Duration p50 / p95 / p99',
      description: 'Span duration percentiles over the selected services.',
      unit: source.unit,
      targets: [
        target('A', quantile(0.5, ''), 'p50'),
        target('B', quantile(0.95, ''), 'p95', true),
        target('C', quantile(0.99, ''), 'p99'),
      ],
    },
    {
      title: 'Busiest operations',
      description: 'The ten operations with the most spans per second.',
      unit: 'reqps',
      targets: [
        target(
          'A',
          `topk(10, sum by (${service}, span_name) (${rate(SELECTED)}))`,
          `{{${service}}} {{span_name}}`,
        ),
      ],
    },
    {
      title: 'Operations with most errors',
      description: 'The ten operations with the most error spans per second.',
      unit: 'reqps',
      targets: [
        target(
          'A',
          `topk(10, sum by (${service}, span_name) (${rate(`${SELECTED}, status_code="STATUS_CODE_ERROR"`)}))`,
          `{{${service}}} {{span_name}}`,
        ),
      ],
    },
  ]);
}

export function collectorDashboardPanels(): Panel[] {
  const perSecond = (name: string, by: string) =>
    `sum by (${by}) (rate(${internal(name, '_total')}[$__rate_interval]))`;
  return grid([
    {
      title: 'Received',
      description: 'Spans, metric points and log records accepted by the receivers per second.',
      unit: 'short',
      targets: [
        target('A', perSecond('receiver_accepted_spans', 'receiver'), 'spans {{receiver}}'),
        target('B', perSecond('receiver_accepted_metric_points', 'receiver'), 'metric points {{receiver}}'),
        target('C', perSecond('receiver_accepted_log_records', 'receiver'), 'log records {{receiver}}'),
      ],
    },
    {
      title: 'Refused',
      description: 'Data the receivers refused, usually because memory_limiter is pushing back. Should be 0.',
      unit: 'short',
      targets: [
        target('A', perSecond('receiver_refused_spans', 'receiver'), 'spans {{receiver}}'),
        target('B', perSecond('receiver_refused_metric_points', 'receiver'), 'metric points {{receiver}}'),
        target('C', perSecond('receiver_refused_log_records', 'receiver'), 'log records {{receiver}}'),
      ],
    },
    {
      title: 'Exported',
      description: 'Spans and metric points sent on by each exporter per second.',
      unit: 'short',
      targets: [
        target('A', perSecond('exporter_sent_spans', 'exporter'), 'spans {{exporter}}'),
        target('B', perSecond('exporter_sent_metric_points', 'exporter'), 'metric points {{exporter}}'),
      ],
    },
    {
      title: 'Export failures',
      description:
        'Data an exporter failed to send or to queue: the backend is down or too slow. Should be 0.',
      unit: 'short',
      targets: [
        target('A', perSecond('exporter_send_failed_spans', 'exporter'), 'send failed {{exporter}}'),
        target('B', perSecond('exporter_enqueue_failed_spans', 'exporter'), 'queue full {{exporter}}'),
      ],
    },
    {
      title: 'Exporter queue',
      description: 'Batches waiting in each exporter queue, against its capacity.',
      unit: 'short',
      targets: [
        target('A', `sum by (exporter) (${internal('exporter_queue_size', '')})`, 'size {{exporter}}'),
        target(
          'B',
          `sum by (exporter) (${internal('exporter_queue_capacity', '')})`,
          'capacity {{exporter}}',
        ),
      ],
    },
    {
      title: 'Memory',
      description: 'Resident memory of the collector process; memory_limiter starts refusing near its limit.',
      unit: 'bytes',
      targets: [target('A', `max(${internal('process_memory_rss', '_bytes')})`, 'rss')],
    },
  ]);
}

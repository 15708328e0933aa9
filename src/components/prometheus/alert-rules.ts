/**
 * A starter set of alerts on the stack's own health, for Prometheus: the collector down, refusing data,
 * failing to export, its queue or memory near full, and a stack service Prometheus cannot scrape. They
 * show on Prometheus' Alerts page and in Grafana; no Alertmanager is run (add one to be notified).
 * The collector's metric names carry `_total` or unit suffixes in some versions, so names match both.
 */
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { COLLECTOR_JOB } from '../../model/scrape-jobs.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  severity: 'critical' | 'warning';
  summary: string;
  description: string;
}

const collector = (name: string) => `{__name__=~"otelcol_${name}", job="${COLLECTOR_JOB}"}`;
const SIGNALS = '(spans|metric_points|log_records)(_total)?';

export function alertRules(stack: Stack): AlertRule[] {
  const memoryLimit = stack.collector.memoryLimitMiB * 1024 * 1024;
  const others = stack.scrapeJobs
    .map((j) => j.name)
    .filter(
      (name) => name !== COLLECTOR_JOB && name !== 'prometheus' && !name.startsWith(`${COLLECTOR_JOB}-`),
    );
  const logs = `"stackgen logs ${stack.name} ${SERVICE_NAMES.collector}"`;
  return [
    {
      alert: 'CollectorDown',
      expr: `up{job="${COLLECTOR_JOB}"} == 0`,
      for: '2m',
      severity: 'critical',
      summary: 'The OpenTelemetry collector does not answer',
      description: `Prometheus cannot scrape the collector: nothing your apps send arrives. See "stackgen status ${stack.name}" and ${logs}.`,
    },
    {
      alert: 'CollectorRefusingData',
      expr: `sum by (receiver) (rate(${collector(`receiver_refused_${SIGNALS}`)}[5m])) > 0`,
      for: '5m',
      severity: 'warning',
      summary: 'The collector refuses data ({{ $labels.receiver }})',
      description:
        'memory_limiter pushes back, so senders retry or drop: give the collector more memory (collector.memoryLimitMiB) or find what slows its exporters.',
    },
    {
      alert: 'CollectorExportFailing',
      expr: `sum by (exporter) (rate(${collector(`exporter_send_failed_${SIGNALS}`)}[5m])) > 0`,
      for: '5m',
      severity: 'critical',
      summary: 'The collector fails to send data ({{ $labels.exporter }})',
      description: `Data is being lost: the exporter {{ $labels.exporter }} cannot reach its backend. Is the backend up? See ${logs}.`,
    },
    {
      alert: 'CollectorQueueNearlyFull',
      expr: `max by (exporter) (${collector('exporter_queue_size')}) / max by (exporter) (${collector('exporter_queue_capacity')}) > 0.8`,
      for: '5m',
      severity: 'warning',
      summary: 'The send queue of {{ $labels.exporter }} is over 80% full',
      description: 'The backend takes data slower than it arrives; when the queue is full, data is dropped.',
    },
    {
      alert: 'CollectorMemoryNearLimit',
      expr: `max(${collector('process_memory_rss(_bytes)?')}) > ${Math.round(memoryLimit * 0.9)}`,
      for: '5m',
      severity: 'warning',
      summary: 'The collector uses over 90% of its memory limit',
      description: `The container's limit is ${stack.collector.memoryLimitMiB} MiB (collector.memoryLimitMiB); near it memory_limiter refuses data, at it the container is killed.`,
    },
    ...(others.length
      ? [
          {
            alert: 'StackServiceDown',
            expr: `up{job=~"${others.join('|')}"} == 0`,
            for: '5m',
            severity: 'critical' as const,
            summary: '{{ $labels.job }} does not answer',
            description: `Prometheus cannot scrape {{ $labels.job }} of the ${stack.name} stack. See "stackgen status ${stack.name}".`,
          },
        ]
      : []),
  ];
}

/**
 * Prometheus' own scrape jobs, from what the stack runs. Rules keep users' jobs from reusing their names;
 * templates/prometheus lays them out.
 */
import { backendOf } from '../backends/index.js';
import { INTERNAL_PORTS } from './ports.js';
import type { Stack } from './normalize.js';
import { SERVICE_NAMES } from './services.js';

/**
 * The job of the collector's own telemetry. A backend that is itself a collector distribution (Jaeger v2)
 * serves the same otelcol_* metrics on its own port, so every query about the collector selects this job.
 */
export const COLLECTOR_JOB = 'otel-collector';

export interface BuiltInScrapeJob {
  name: string;
  /** Why the job is there, for a comment above it (empty: none). */
  about: string;
  target: string;
  honorLabels: boolean;
  /** Scraped over TLS, trusting the stack's CA (Tempo and Loki with TLS on). */
  tls: boolean;
  /** What prose calls its target, when not the job's name. */
  title?: string;
}

/** Worked out once, by normalize: `stack.scrapeJobs`. */
export function builtInScrapeJobs(
  stack: Pick<Stack, 'collector' | 'backend' | 'components' | 'tls'>,
): BuiltInScrapeJob[] {
  const { collector } = stack;
  const backend = backendOf(stack.backend);
  const job = (name: string, about: string, target: string, extra: Partial<BuiltInScrapeJob> = {}) => ({
    name,
    about,
    target,
    honorLabels: false,
    tls: false,
    ...extra,
  });
  const jobs: BuiltInScrapeJob[] = [
    job('prometheus', '', `127.0.0.1:${INTERNAL_PORTS.prometheus}`),
    job(
      COLLECTOR_JOB,
      "The collector's own telemetry: spans accepted, refused, exported; queue sizes; memory.",
      `${SERVICE_NAMES.collector}:${INTERNAL_PORTS.collectorTelemetry}`,
    ),
  ];
  const exported = [
    collector.spanMetrics && 'span metrics',
    collector.signals.includes('metrics') && 'the metrics your apps send',
  ].filter((x): x is string => typeof x === 'string');
  // A backend's own collector (SigNoz's) has no prometheus exporter: what it receives goes to its store.
  if (exported.length && !backend.ownCollector) {
    jobs.push(
      job(
        'otel-collector-exporter',
        `What the collector exports for Prometheus: ${exported.join(' and ')}.`,
        `${SERVICE_NAMES.collector}:${INTERNAL_PORTS.collectorPrometheusExporter}`,
        { honorLabels: true },
      ),
    );
  }
  for (const target of backend.scrapeTargets ?? []) {
    const tls = Boolean(target.tls) && stack.tls.enabled;
    jobs.push(job(target.job, '', target.target, { tls, title: backend.title }));
  }
  if (stack.components.includes('loki')) {
    jobs.push(
      job('loki', '', `${SERVICE_NAMES.loki}:${INTERNAL_PORTS.lokiHttp}`, {
        tls: stack.tls.enabled,
        title: 'Loki',
      }),
    );
  }
  if (stack.components.includes('grafana')) {
    jobs.push(job('grafana', '', `${SERVICE_NAMES.grafana}:${INTERNAL_PORTS.grafana}`));
  }
  return jobs;
}

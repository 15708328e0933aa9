/** What every part of the view shares: which features are on, and how a port is published. */
import type { Stack } from '../../model/normalize.js';
import { spanMetricsSource } from '../span-metrics.js';

export interface PortView {
  target: number;
  published: number;
  hostIp: string;
}

export function featuresOf(stack: Stack) {
  const { collector, components } = stack;
  const runs = (role: Stack['components'][number]) => components.includes(role);
  const tempoGenerator =
    runs('tempo') && (stack.tempo.metricsGenerator.spanMetrics || stack.tempo.metricsGenerator.serviceGraphs);
  return {
    jaeger: runs('jaeger'),
    tempo: runs('tempo'),
    signoz: runs('signoz'),
    /** Loki stores the logs the collector accepts. */
    loki: runs('loki'),
    prometheus: runs('prometheus'),
    grafana: runs('grafana'),
    dashboards: runs('grafana') && stack.grafana.dashboards.length > 0,
    /** The collector's span metrics connector. */
    spanMetrics: collector.spanMetrics,
    /** Tempo's metrics generator, remote-writing to Prometheus. */
    tempoGenerator,
    serviceGraphs: runs('tempo') && stack.tempo.metricsGenerator.serviceGraphs,
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

/** The published form of a container port, or none when the stack file says false. */
export function publisher(stack: Stack) {
  return (target: number, published: number | false): PortView[] =>
    published === false ? [] : [{ target, published, hostIp: stack.exposure.bindAddress }];
}

/** A read-only bind mount in compose's short syntax; paths hold no ":" (the stack schema allows none). */
export function readOnlyMount(source: string, target: string): string {
  return `${source.startsWith('.') || source.startsWith('/') ? source : `./${source}`}:${target}:ro`;
}

/** A compose healthcheck: the command the container runs on itself, and how patient compose is with it. */
export interface Healthcheck {
  test: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
  /** Why this command, printed above it. */
  note?: string;
}

export function healthcheck(test: string[], options: Partial<Omit<Healthcheck, 'test'>> = {}): Healthcheck {
  return { test, intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 20, ...options };
}

/** A check with the image's own wget: healthy when the URL answers 2xx. */
export function wgetCheck(url: string, options: Partial<Omit<Healthcheck, 'test'>> = {}): Healthcheck {
  return healthcheck(['CMD', 'wget', '-q', '--spider', url], options);
}

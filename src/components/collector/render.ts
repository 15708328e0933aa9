/** The collector (otelcol-contrib): its service, its config's pipelines, its TLS, and its entry (COLLECTOR). */
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { collectorComponentNames, type CollectorNames } from './names.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import type { BackendRender } from '../../backends/backend.js';
import { backendOf } from '../../backends/index.js';
import { publisher, readOnlyMount, type Features } from '../../render/common.js';
import { runs, yaml, type Component } from '../../render/component.js';

export interface Pipeline {
  name: string;
  receivers: string[];
  processors: string[];
  exporters: string[];
}

export function collectorView(stack: Stack, has: Features) {
  const { collector } = stack;
  const image = stack.images[SERVICE_NAMES.collector]!;
  const names = collectorComponentNames(image);
  const publish = publisher(stack);
  const ports = stack.exposure.ports.collector;
  const limitMiB = Math.floor(collector.memoryLimitMiB * 0.8);
  const backend = backendOf(stack.backend);
  const { otlp, ownCollector: own } = backend.render;
  const tls = stack.tls.paths;
  // Where the collector finds its TLS files inside its container.
  const TLS_DIR = own?.tlsDir ?? '/etc/otelcol-contrib/tls';
  const mounts = tls
    ? [
        readOnlyMount(tls.ca, `${TLS_DIR}/ca.crt`),
        readOnlyMount(tls.collector.cert, `${TLS_DIR}/server.crt`),
        readOnlyMount(tls.collector.key, `${TLS_DIR}/server.key`),
      ]
    : [];
  return {
    service: SERVICE_NAMES.collector,
    image,
    names,
    ports: [
      ...publish(collector.otlp.grpcPort, ports.otlpGrpc),
      ...publish(collector.otlp.httpPort, ports.otlpHttp),
      ...publish(INTERNAL_PORTS.collectorHealth, ports.health),
    ],
    networks: [stack.networks.observability, ...stack.networks.applications.map((n) => n.name)],
    aliases: own?.aliases ?? [],
    mounts,
    memLimit: `${collector.memoryLimitMiB}m`,
    limiter: { limitMiB, spikeLimitMiB: Math.floor(limitMiB * 0.2) },
    // The Go runtime collects garbage harder before memory_limiter has to refuse data.
    goMemLimit: `${Math.floor(limitMiB * 0.8)}MiB`,
    samplingPercentage: Math.round(collector.samplingRatio * 1e6) / 1e4,
    healthEndpoint: `0.0.0.0:${INTERNAL_PORTS.collectorHealth}`,
    grpcEndpoint: `0.0.0.0:${collector.otlp.grpcPort}`,
    httpEndpoint: `0.0.0.0:${collector.otlp.httpPort}`,
    prometheusEndpoint: `0.0.0.0:${INTERNAL_PORTS.collectorPrometheusExporter}`,
    receiverTls: tls ? { certFile: `${TLS_DIR}/server.crt`, keyFile: `${TLS_DIR}/server.key` } : undefined,
    cors: collector.otlp.cors,
    serviceNameCopy: serviceNameCopy(backend.render, has),
    backendExporter: `${names.otlpGrpcExporter}/${stack.backend}`,
    backendEndpoint: otlp ? `${otlp.service}:${otlp.port}` : undefined,
    // Plain gRPC inside the network, unless the backend serves TLS with the stack's (Tempo's).
    backendTls:
      backend.tlsServer && tls
        ? { caFile: `${TLS_DIR}/ca.crt`, insecureSkipVerify: stack.tls.insecureSkipVerify }
        : undefined,
    exportsMetrics: has.spanMetrics || has.metrics,
    hasConnectors: has.spanMetrics || has.sampling,
    pipelines: own ? own.pipelines(has) : collectorPipelines(stack, has, names),
    /** The otlphttp exporter to Loki, when Loki runs. */
    lokiExporter: has.loki
      ? {
          name: `${names.otlpHttpExporter}/loki`,
          endpoint: `${stack.tls.enabled ? 'https' : 'http'}://${SERVICE_NAMES.loki}:${INTERNAL_PORTS.lokiHttp}/otlp`,
          tls: tls
            ? { caFile: `${TLS_DIR}/ca.crt`, insecureSkipVerify: stack.tls.insecureSkipVerify }
            : undefined,
        }
      : undefined,
    dependsOn: otlp ? [otlp.service, ...(has.loki ? [SERVICE_NAMES.loki] : [])] : [],
  };
}

/**
 * The processor copying service.name to the tag Grafana's links read on a backend that drops it (Jaeger's
 * JAEGER_SERVICE_TAG), when Grafana links spans to metrics or logs.
 */
function serviceNameCopy(backend: BackendRender, has: Features) {
  const key = backend.grafana?.serviceTag;
  if (!key || !(has.tracesToMetrics || (has.loki && has.grafana))) return undefined;
  return { processor: 'resource/service-name', key };
}

/**
 * Span metrics see every span; sampling only thins what reaches the trace backend, through a forward
 * connector into a second traces pipeline. Otherwise one traces pipeline feeds both.
 */
function collectorPipelines(stack: Stack, has: Features, names: CollectorNames): Pipeline[] {
  const backend = `${names.otlpGrpcExporter}/${stack.backend}`;
  const spanMetrics = has.spanMetrics ? [names.spanMetricsConnector] : [];
  const copy = serviceNameCopy(backendOf(stack.backend).render, has)?.processor;
  const pipelines: Pipeline[] = has.sampling
    ? [
        {
          name: 'traces',
          receivers: ['otlp'],
          processors: ['memory_limiter'],
          exporters: [...spanMetrics, 'forward/sampling'],
        },
        {
          name: 'traces/sampled',
          receivers: ['forward/sampling'],
          processors: ['probabilistic_sampler', ...(copy ? [copy] : []), 'batch'],
          exporters: [backend],
        },
      ]
    : [
        {
          name: 'traces',
          receivers: ['otlp'],
          processors: ['memory_limiter', ...(copy ? [copy] : []), 'batch'],
          exporters: [backend, ...spanMetrics],
        },
      ];
  const metricReceivers = [...(has.metrics ? ['otlp'] : []), ...spanMetrics];
  if (metricReceivers.length) {
    pipelines.push({
      name: 'metrics',
      receivers: metricReceivers,
      processors: ['memory_limiter', 'batch'],
      exporters: ['prometheus'],
    });
  }
  if (has.logs)
    pipelines.push({
      name: 'logs',
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      // Loki takes OTLP over HTTP only, at its own endpoint.
      exporters: [has.loki ? `${names.otlpHttpExporter}/loki` : 'debug'],
    });
  return pipelines;
}

const ownCollector = (stack: Stack) => backendOf(stack.backend).render.ownCollector;

export const COLLECTOR: Component = {
  name: 'collector',
  runs: runs('collector'),
  files: ({ stack }) => [
    yaml(
      'collector/config.yaml',
      ownCollector(stack)?.configTemplate ?? 'collector/config.yaml',
      'Collector pipelines: receivers, processors, exporters.',
    ),
  ],
  volumes: () => [],
  // A backend's own collector distribution (SigNoz's) is among that backend's services.
  serviceTemplates: ({ stack }) => (ownCollector(stack) ? [] : ['collector/service.yaml']),
  roles: ({ stack }) => ({
    [SERVICE_NAMES.collector]:
      ownCollector(stack)?.role ?? 'OpenTelemetry collector: receives OTLP from your apps',
  }),
  endpoints: (stack, { url, secure }) => {
    const collector = SERVICE_NAMES.collector;
    const { grpcPort, httpPort } = stack.collector.otlp;
    const ports = stack.exposure.ports.collector;
    return [
      {
        name: 'OTLP over gRPC',
        host: url(ports.otlpGrpc, '', ''),
        network: `${secure}${collector}:${grpcPort}`,
      },
      {
        name: 'OTLP over HTTP',
        host: url(ports.otlpHttp, '', secure),
        network: `${secure}${collector}:${httpPort}`,
      },
      {
        name: 'Collector health',
        host: url(ports.health, '/'),
        network: `http://${collector}:${INTERNAL_PORTS.collectorHealth}/`,
      },
    ];
  },
};

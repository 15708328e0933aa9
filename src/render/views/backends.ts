/** The trace backends, Jaeger v2 and Tempo 3: their views and their entries among the components. */
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import { healthcheck, publisher, readOnlyMount, wgetCheck, type Features } from './common.js';
import { runs, yaml, type Component } from '../component.js';

const PROMETHEUS_URL = `http://${SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`;

/**
 * A copy of `service.name` the collector adds to what it sends Jaeger. Jaeger v2's query API v1, which
 * Grafana's Jaeger datasource reads, turns `service.name` into the process's service name and drops it
 * from the process tags (its otel-to-jaeger translation); Grafana's links from a span to its metrics
 * only see tags, so they use this copy.
 */
export const JAEGER_SERVICE_TAG = 'stackgen.service.name';

export function jaegerView(stack: Stack, has: Features) {
  return {
    service: SERVICE_NAMES.jaeger,
    image: stack.images[SERVICE_NAMES.jaeger] ?? '',
    ports: publisher(stack)(INTERNAL_PORTS.jaegerUi, stack.exposure.ports.jaeger.ui),
    memLimit: `${stack.jaeger.memoryLimitMiB}m`,
    retention: stack.jaeger.retention,
    health: wgetCheck(`http://127.0.0.1:${INTERNAL_PORTS.jaegerHealth}/status`),
    healthEndpoint: `0.0.0.0:${INTERNAL_PORTS.jaegerHealth}`,
    uiEndpoint: `0.0.0.0:${INTERNAL_PORTS.jaegerUi}`,
    queryGrpcEndpoint: `0.0.0.0:${INTERNAL_PORTS.jaegerQueryGrpc}`,
    otlpGrpcEndpoint: `0.0.0.0:${INTERNAL_PORTS.backendOtlpGrpc}`,
    // Service Performance Monitoring (the Monitor tab) needs the collector's span metrics in Prometheus.
    spm: has.spanMetrics && has.prometheus,
    prometheusUrl: PROMETHEUS_URL,
  };
}

/** Where Tempo finds its TLS files inside its container. */
const TEMPO_TLS_DIR = '/etc/tempo/tls';

export function tempoView(stack: Stack, has: Features) {
  const tls = stack.tls.paths;
  const generator = stack.tempo.metricsGenerator;
  const scheme = tls ? 'https' : 'http';
  return {
    service: SERVICE_NAMES.tempo,
    image: stack.images[SERVICE_NAMES.tempo] ?? '',
    initService: SERVICE_NAMES.tempoInit,
    initImage: stack.images[SERVICE_NAMES.tempoInit] ?? '',
    ports: publisher(stack)(INTERNAL_PORTS.tempoHttp, stack.exposure.ports.tempo.api),
    memLimit: `${stack.tempo.memoryLimitMiB}m`,
    retention: stack.tempo.retention,
    httpPort: INTERNAL_PORTS.tempoHttp,
    grpcPort: INTERNAL_PORTS.tempoGrpc,
    otlpGrpcEndpoint: `0.0.0.0:${INTERNAL_PORTS.backendOtlpGrpc}`,
    otlpHttpEndpoint: `0.0.0.0:${INTERNAL_PORTS.backendOtlpHttp}`,
    processors: [generator.serviceGraphs && 'service-graphs', generator.spanMetrics && 'span-metrics'].filter(
      (p): p is string => typeof p === 'string',
    ),
    remoteWriteUrl: `${PROMETHEUS_URL}/api/v1/write`,
    // With sampling, the generator sees only the kept spans: it scales each by the probability the
    // collector's sampler wrote into its tracestate (off by default in Tempo 3).
    multiplier: has.sampling
      ? { spanMetrics: generator.spanMetrics, serviceGraphs: generator.serviceGraphs }
      : undefined,
    // Tempo's own health check (its image has no shell); over HTTPS it trusts the CA through SSL_CERT_DIR.
    health: healthcheck(
      [
        'CMD',
        '/tempo',
        '-health',
        ...(tls ? [`-health.url=https://localhost:${INTERNAL_PORTS.tempoHttp}/ready`] : []),
      ],
      {
        startPeriodSeconds: 30,
        note: 'Tempo 3 checks itself (-health asks its /ready endpoint); its distroless image has no wget.',
      },
    ),
    tls: tls?.tempo
      ? {
          mounts: [
            readOnlyMount(tls.ca, `${TEMPO_TLS_DIR}/ca/ca.crt`),
            readOnlyMount(tls.tempo.cert, `${TEMPO_TLS_DIR}/server.crt`),
            readOnlyMount(tls.tempo.key, `${TEMPO_TLS_DIR}/server.key`),
          ],
          certFile: `${TEMPO_TLS_DIR}/server.crt`,
          keyFile: `${TEMPO_TLS_DIR}/server.key`,
          caDir: `${TEMPO_TLS_DIR}/ca`,
        }
      : undefined,
    url: `${scheme}://${SERVICE_NAMES.tempo}:${INTERNAL_PORTS.tempoHttp}`,
    dependsOnPrometheus: has.tempoGenerator,
  };
}

export const JAEGER: Component = {
  name: 'jaeger',
  runs: runs('jaeger'),
  files: () => [
    yaml('jaeger/config.yaml', 'jaeger/config.yaml', 'Jaeger storage (badger), query and health settings.'),
  ],
  volumes: () => ['jaeger-data'],
  serviceTemplates: () => ['jaeger/service.yaml'],
  roles: () => ({ [SERVICE_NAMES.jaeger]: 'Jaeger v2: stores and searches traces' }),
  endpoints: (stack, { url }) => [
    {
      name: 'Jaeger UI',
      host: url(stack.exposure.ports.jaeger.ui),
      network: `http://${SERVICE_NAMES.jaeger}:${INTERNAL_PORTS.jaegerUi}`,
    },
  ],
};

export const TEMPO: Component = {
  name: 'tempo',
  runs: runs('tempo'),
  files: () => [
    yaml(
      'tempo/tempo.yaml',
      'tempo/tempo.yaml',
      'Tempo: receivers, local storage, retention, metrics generator.',
    ),
  ],
  volumes: () => ['tempo-data'],
  serviceTemplates: () => ['tempo/service.yaml'],
  roles: ({ has }) => ({
    [SERVICE_NAMES.tempoInit]: "One-shot: makes Tempo's data volume its own, then exits",
    [SERVICE_NAMES.tempo]: has.tempoGenerator
      ? 'Grafana Tempo 3: stores and searches traces, derives metrics from them'
      : 'Grafana Tempo 3: stores and searches traces',
  }),
  endpoints: (stack, { url, secure }) => [
    {
      name: 'Tempo API',
      host: url(stack.exposure.ports.tempo.api, '', secure),
      network: `${secure}${SERVICE_NAMES.tempo}:${INTERNAL_PORTS.tempoHttp}`,
    },
  ],
};

/** Grafana Tempo 3: the view its templates (templates/tempo/) print, and its entry among the components. */
import { COMPONENT_SERVICE_NAMES } from '../../components/index.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import type { Stack } from '../../model/normalize.js';
import { healthcheck, publisher, readOnlyMount, type Features } from '../../render/common.js';
import { runs, yaml } from '../../render/component.js';
import type { BackendRender } from '../backend.js';
import { FACTS } from './facts.js';

const PROMETHEUS_URL = `http://${COMPONENT_SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`;

/** Where Tempo finds its TLS files inside its container. */
const TEMPO_TLS_DIR = '/etc/tempo/tls';

/** Where the stack's services reach Tempo's API: HTTPS when the stack's TLS is on. */
export function tempoUrl(stack: Stack): string {
  return `${stack.tls.enabled ? 'https' : 'http'}://${FACTS.serviceNames.tempo}:${FACTS.ports.http}`;
}

export function tempoView(stack: Stack, has: Features) {
  const tls = stack.tls.paths;
  const generator = stack.tempo.metricsGenerator;
  return {
    service: FACTS.serviceNames.tempo,
    image: stack.images[FACTS.serviceNames.tempo] ?? '',
    initService: FACTS.serviceNames.tempoInit,
    initImage: stack.images[FACTS.serviceNames.tempoInit] ?? '',
    ports: publisher(stack)(FACTS.ports.http, stack.exposure.ports.tempo.api),
    memLimit: `${stack.tempo.memoryLimitMiB}m`,
    retention: stack.tempo.retention,
    httpPort: FACTS.ports.http,
    grpcPort: FACTS.ports.grpc,
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
        ...(tls ? [`-health.url=https://localhost:${FACTS.ports.http}/ready`] : []),
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
    url: tempoUrl(stack),
    dependsOnPrometheus: has.remoteWrite,
    // Grafana's service map reads the service graph metrics the generator writes to Prometheus.
    serviceMap: generator.serviceGraphs && has.prometheus,
  };
}

const COMPONENT: BackendRender['component'] = {
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
    [FACTS.serviceNames.tempoInit]: "One-shot: makes Tempo's data volume its own, then exits",
    [FACTS.serviceNames.tempo]: has.remoteWrite
      ? 'Grafana Tempo 3: stores and searches traces, derives metrics from them'
      : 'Grafana Tempo 3: stores and searches traces',
  }),
  endpoints: (stack, { url, secure }) => [
    {
      name: 'Tempo API',
      host: url(stack.exposure.ports.tempo.api, '', secure),
      network: `${secure}${FACTS.serviceNames.tempo}:${FACTS.ports.http}`,
    },
  ],
};

export const RENDER: BackendRender = {
  view: tempoView,
  component: COMPONENT,
  readme: { troubleshooting: 'tempo/readme-troubleshooting.md' },
  diagram: (stack) => {
    const { tempo, tempoInit } = FACTS.serviceNames;
    const generator = stack.tempo.metricsGenerator;
    const generated = [generator.spanMetrics && 'span metrics', generator.serviceGraphs && 'service graph'];
    return {
      ports: { [tempo]: [{ what: 'API', port: FACTS.ports.http, host: stack.exposure.ports.tempo.api }] },
      edges: [
        { from: tempoInit, to: tempo, label: 'owns the data volume', dotted: true },
        { from: COMPONENT_SERVICE_NAMES.collector, to: tempo, label: 'traces' },
        ...(generated.some(Boolean)
          ? [
              {
                from: tempo,
                to: COMPONENT_SERVICE_NAMES.prometheus,
                label: `${generated.filter(Boolean).join(', ')} (remote write)`,
              },
            ]
          : []),
        { from: tempo, to: COMPONENT_SERVICE_NAMES.grafana, label: 'trace search' },
      ],
    };
  },
  // Over TLS when the stack's TLS is on (its facts' tlsServer).
  otlp: { service: FACTS.serviceNames.tempo, port: INTERNAL_PORTS.backendOtlpGrpc },
  grafana: {
    datasourceTemplate: 'tempo/grafana-datasource.yaml',
    service: FACTS.serviceNames.tempo,
    url: tempoUrl,
  },
};

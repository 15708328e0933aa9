/** Jaeger v2: the view its templates (templates/jaeger/) print, and its entry among the components. */
import { COMPONENT_SERVICE_NAMES } from '../../components/index.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import type { Stack } from '../../model/normalize.js';
import { publisher, wgetCheck, type Features } from '../../render/common.js';
import { runs, yaml } from '../../render/component.js';
import type { BackendRender } from '../backend.js';
import { FACTS } from './facts.js';

const PROMETHEUS_URL = `http://${COMPONENT_SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`;

/**
 * A copy of `service.name` the collector adds to what it sends Jaeger. Jaeger v2's query API v1, which
 * Grafana's Jaeger datasource reads, turns `service.name` into the process's service name and drops it
 * from the process tags (its otel-to-jaeger translation); Grafana's links from a span to its metrics
 * only see tags, so they use this copy.
 */
export const JAEGER_SERVICE_TAG = 'stackgen.service.name';

export function jaegerView(stack: Stack, has: Features) {
  return {
    service: FACTS.serviceNames.jaeger,
    image: stack.images[FACTS.serviceNames.jaeger] ?? '',
    ports: publisher(stack)(FACTS.ports.ui, stack.exposure.ports.jaeger.ui),
    memLimit: `${stack.jaeger.memoryLimitMiB}m`,
    retention: stack.jaeger.retention,
    health: wgetCheck(`http://127.0.0.1:${FACTS.ports.health}/status`),
    healthEndpoint: `0.0.0.0:${FACTS.ports.health}`,
    uiPort: FACTS.ports.ui,
    uiEndpoint: `0.0.0.0:${FACTS.ports.ui}`,
    telemetryPort: FACTS.ports.telemetry,
    queryGrpcEndpoint: `0.0.0.0:${FACTS.ports.queryGrpc}`,
    otlpGrpcEndpoint: `0.0.0.0:${INTERNAL_PORTS.backendOtlpGrpc}`,
    // Service Performance Monitoring (the Monitor tab) needs the collector's span metrics in Prometheus.
    spm: has.spanMetrics && has.prometheus,
    prometheusUrl: PROMETHEUS_URL,
  };
}

const COMPONENT: BackendRender['component'] = {
  name: 'jaeger',
  runs: runs('jaeger'),
  files: () => [
    yaml('jaeger/config.yaml', 'jaeger/config.yaml', 'Jaeger storage (badger), query and health settings.'),
  ],
  volumes: () => ['jaeger-data'],
  serviceTemplates: () => ['jaeger/service.yaml'],
  roles: () => ({ [FACTS.serviceNames.jaeger]: 'Jaeger v2: stores and searches traces' }),
  endpoints: (stack, { url }) => [
    {
      name: 'Jaeger UI',
      host: url(stack.exposure.ports.jaeger.ui),
      network: `http://${FACTS.serviceNames.jaeger}:${FACTS.ports.ui}`,
    },
  ],
};

export const RENDER: BackendRender = {
  view: jaegerView,
  component: COMPONENT,
  // Jaeger v2 is a collector distribution: its configuration is checked as the collector's.
  collectorConfigs: ['jaeger/config.yaml'],
  diagram: (stack) => ({
    ports: {
      [FACTS.serviceNames.jaeger]: [
        { what: 'UI', port: FACTS.ports.ui, host: stack.exposure.ports.jaeger.ui },
      ],
    },
    edges: [
      { from: COMPONENT_SERVICE_NAMES.collector, to: FACTS.serviceNames.jaeger, label: 'traces' },
      { from: FACTS.serviceNames.jaeger, to: COMPONENT_SERVICE_NAMES.grafana, label: 'trace search' },
    ],
  }),
  otlp: { service: FACTS.serviceNames.jaeger, port: INTERNAL_PORTS.backendOtlpGrpc },
  grafana: {
    datasourceTemplate: 'jaeger/grafana-datasource.yaml',
    service: FACTS.serviceNames.jaeger,
    url: () => `http://${FACTS.serviceNames.jaeger}:${FACTS.ports.ui}`,
    serviceTag: JAEGER_SERVICE_TAG,
  },
};

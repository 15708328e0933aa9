/**
 * Grafana Loki 3, the logs store of the Jaeger and Tempo stacks, in one place: what its service and config
 * file print (the view) and its entry among the stack's components. Others read `view.loki`: the collector
 * exports logs to `otlpUrl`, Grafana's datasource asks `url`.
 */
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import { runs, yaml, type Component } from '../../render/component.js';
import { healthcheck, publisher, readOnlyMount } from '../../render/common.js';

/** Where Loki finds its TLS files inside its container. */
const TLS_DIR = '/etc/loki/tls';

/**
 * The first day of the one schema period. Fixed (not today), so the file stays the same from run to run;
 * any past date works for a new store.
 */
const SCHEMA_FROM = '2024-04-01';

export function lokiView(stack: Stack) {
  const tls = stack.tls.paths;
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${SERVICE_NAMES.loki}:${INTERNAL_PORTS.lokiHttp}`;
  return {
    service: SERVICE_NAMES.loki,
    image: stack.images[SERVICE_NAMES.loki] ?? '',
    ports: publisher(stack)(INTERNAL_PORTS.lokiHttp, stack.exposure.ports.loki.api),
    memLimit: `${stack.loki.memoryLimitMiB}m`,
    retention: stack.loki.retention,
    indexLabels: stack.loki.indexLabels,
    httpPort: INTERNAL_PORTS.lokiHttp,
    grpcPort: INTERNAL_PORTS.lokiGrpc,
    schemaFrom: SCHEMA_FROM,
    // Loki's own health check (its distroless image has no shell); over HTTPS it trusts the CA through
    // SSL_CERT_DIR. /ready answers 503 for about 15 s after start, while the ingester joins its ring.
    health: healthcheck(
      [
        'CMD',
        '/usr/bin/loki',
        '-health',
        ...(tls ? [`-health.url=https://localhost:${INTERNAL_PORTS.lokiHttp}/ready`] : []),
      ],
      {
        startPeriodSeconds: 30,
        note: 'Loki 3.7 checks itself (-health asks its /ready endpoint); its distroless image has no wget.',
      },
    ),
    tls: tls?.loki
      ? {
          mounts: [
            readOnlyMount(tls.ca, `${TLS_DIR}/ca/ca.crt`),
            readOnlyMount(tls.loki.cert, `${TLS_DIR}/server.crt`),
            readOnlyMount(tls.loki.key, `${TLS_DIR}/server.key`),
          ],
          certFile: `${TLS_DIR}/server.crt`,
          keyFile: `${TLS_DIR}/server.key`,
          caDir: `${TLS_DIR}/ca`,
        }
      : undefined,
    url,
    /** Loki's native OTLP endpoint; the collector's otlphttp exporter appends /v1/logs. */
    otlpUrl: `${url}/otlp`,
  };
}

export const LOKI: Component = {
  name: 'loki',
  runs: runs('loki'),
  files: () => [
    yaml('loki/loki.yaml', 'loki/loki.yaml', 'Loki: storage on its volume, retention, OTLP labels.'),
  ],
  volumes: () => ['loki-data'],
  serviceTemplates: () => ['loki/service.yaml'],
  roles: () => ({ [SERVICE_NAMES.loki]: 'Grafana Loki 3: stores and searches logs' }),
  endpoints: (stack, { url, secure }) => [
    {
      name: 'Loki API',
      host: url(stack.exposure.ports.loki.api, '', secure),
      network: `${secure}${SERVICE_NAMES.loki}:${INTERNAL_PORTS.lokiHttp}`,
    },
  ],
};

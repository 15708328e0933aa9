/**
 * Where a user reaches the stack: each endpoint from the host (through the published port) and from a
 * container on the stack's networks (by service name). The stack README, `stackgen up` and
 * `stackgen status` all print these.
 */
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { INTERNAL_PORTS } from '../model/ports.js';

export interface Endpoint {
  name: string;
  /** From the host; undefined when the port is not published. */
  host: string | undefined;
  /** From a container on the stack's networks. */
  network: string;
}

export function stackEndpoints(stack: Stack): Endpoint[] {
  const host = hostForUrls(stack.exposure.bindAddress);
  const ports = stack.exposure.ports;
  const url = (port: number | false, path = '', scheme = 'http://') =>
    port === false ? undefined : `${scheme}${host}:${port}${path}`;
  const collector = SERVICE_NAMES.collector;
  const { grpcPort, httpPort } = stack.collector.otlp;
  // With TLS on, OTLP (and Tempo's API) answer HTTPS only.
  const secure = stack.tls.enabled ? 'https://' : 'http://';
  const endpoints: Endpoint[] = [
    {
      name: 'OTLP over gRPC',
      host: url(ports.collector.otlpGrpc, '', ''),
      network: `${secure}${collector}:${grpcPort}`,
    },
    {
      name: 'OTLP over HTTP',
      host: url(ports.collector.otlpHttp, '', secure),
      network: `${secure}${collector}:${httpPort}`,
    },
    {
      name: 'Collector health',
      host: url(ports.collector.health, '/'),
      network: `http://${collector}:${INTERNAL_PORTS.collectorHealth}/`,
    },
  ];
  if (stack.components.includes('jaeger')) {
    endpoints.push({
      name: 'Jaeger UI',
      host: url(ports.jaeger.ui),
      network: `http://${SERVICE_NAMES.jaeger}:${INTERNAL_PORTS.jaegerUi}`,
    });
  }
  if (stack.components.includes('tempo')) {
    endpoints.push({
      name: 'Tempo API',
      host: url(ports.tempo.api, '', secure),
      network: `${secure}${SERVICE_NAMES.tempo}:${INTERNAL_PORTS.tempoHttp}`,
    });
  }
  if (stack.components.includes('signoz')) {
    endpoints.push({
      name: `SigNoz (admin ${stack.signoz.admin.email})`,
      host: url(ports.signoz.ui),
      network: `http://${SERVICE_NAMES.signoz}:${INTERNAL_PORTS.signozUi}`,
    });
  }
  if (stack.components.includes('prometheus')) {
    endpoints.push({
      name: 'Prometheus',
      host: url(ports.prometheus.ui),
      network: `http://${SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`,
    });
  }
  if (stack.components.includes('grafana')) {
    endpoints.push({
      name: `Grafana (user ${stack.grafana.adminUser})`,
      host: url(ports.grafana.ui),
      network: `http://${SERVICE_NAMES.grafana}:${INTERNAL_PORTS.grafana}`,
    });
  }
  return endpoints;
}

/** Where a user on this machine reaches published ports. */
export function hostForUrls(bindAddress: string): string {
  if (bindAddress === '0.0.0.0') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}

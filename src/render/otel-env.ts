/**
 * The OpenTelemetry SDK environment that sends to a stack: the one definition behind the app override
 * files and `stackgen env`, so what an app is told in compose and on the command line never differs.
 */
import path from 'node:path';
import { SERVICE_NAMES, type App, type Stack } from '../model/normalize.js';
import { hostForUrls } from './endpoints.js';

/** Where an app finds the stack's CA inside its container (TLS on). */
export const APP_CA_FILE = '/etc/stackgen/ca.crt';

export type Protocol = App['protocol'];

export interface EnvTarget {
  /** "network": a container on the stack's networks (by service name); "host": this machine. */
  from: 'network' | 'host';
  protocol: Protocol;
  /** The app named in the stack file: adds its service name and resource attributes. */
  app?: App;
  /** Makes the CA path absolute from the host (TLS on). */
  projectRoot?: string;
  /** From the host: where the published port is reached, if not on exposure.bindAddress (a swarm node). */
  host?: string;
}

/** The host port OTLP over `protocol` is published on, or false when it is not. */
export function publishedOtlpPort(stack: Stack, protocol: Protocol): number | false {
  const ports = stack.exposure.ports.collector;
  return protocol === 'grpc' ? ports.otlpGrpc : ports.otlpHttp;
}

/** OTEL_* variables in a stable order. Throws when `from: 'host'` and the port is not published. */
export function otelEnvironment(stack: Stack, target: EnvTarget): [string, string][] {
  const { protocol, app } = target;
  const tls = stack.tls.paths;
  const scheme = tls ? 'https' : 'http';
  const signals = stack.collector.signals;
  let address: string;
  if (target.from === 'network') {
    const { grpcPort, httpPort } = stack.collector.otlp;
    address = `${SERVICE_NAMES.collector}:${protocol === 'grpc' ? grpcPort : httpPort}`;
  } else {
    const port = publishedOtlpPort(stack, protocol);
    if (port === false) throw new Error(`OTLP over ${protocol} is not published`);
    address = `${target.host ?? hostForUrls(stack.exposure.bindAddress)}:${port}`;
  }
  const env: [string, string][] = [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', `${scheme}://${address}`],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol === 'grpc' ? 'grpc' : 'http/protobuf'],
  ];
  if (tls) {
    const ca =
      target.from === 'network' ? APP_CA_FILE : path.resolve(target.projectRoot ?? '.', stack.output, tls.ca);
    env.push(['OTEL_EXPORTER_OTLP_CERTIFICATE', ca]);
  }
  if (app) {
    env.push(['OTEL_SERVICE_NAME', app.serviceName]);
    const attributes = Object.entries(app.resourceAttributes).sort(([a], [b]) => (a < b ? -1 : 1));
    if (attributes.length) env.push(['OTEL_RESOURCE_ATTRIBUTES', resourceAttributes(attributes)]);
  }
  env.push(
    ['OTEL_TRACES_EXPORTER', 'otlp'],
    ['OTEL_METRICS_EXPORTER', signals.includes('metrics') ? 'otlp' : 'none'],
    ['OTEL_LOGS_EXPORTER', signals.includes('logs') ? 'otlp' : 'none'],
  );
  return env;
}

/**
 * `key=value,…` with each value percent-encoded, as the SDK specification asks (W3C Baggage octets):
 * a comma, `=` or space in a value cannot split it.
 */
export function resourceAttributes(entries: [string, string][]): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return entries.map(([key, value]) => `${key}=${encode(value)}`).join(',');
}

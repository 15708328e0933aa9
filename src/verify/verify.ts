/**
 * Checks a running stack hop by hop, the way a span travels: 1 the collector is healthy; 2 it accepts a
 * synthetic span over OTLP/HTTP and over OTLP/gRPC; 3 the backend returns those traces; 4 Prometheus has
 * span metrics of the synthetic service; 5 Grafana's provisioned datasources are healthy; 6 the stack file's
 * own scrape jobs have their targets up; 7 with Loki, a log record sent over OTLP/HTTP comes back from Loki.
 * Everything is asked from this machine through the published ports (on a swarm, on the nodes running the
 * services). The report (VerifyReport) is stable.
 */
import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { BACKEND_NAMES } from '../model/constants.js';
import type { Probe } from '../components/collector/health.js';
import { otelEnvironment, publishedOtlpPort, type Protocol } from '../render/otel-env.js';
import { allSpanMetricsSources } from '../render/span-metrics.js';
import { backendOf } from '../backends/index.js';
import { datasourcesHealth } from '../components/grafana/verify.js';
import { logLookup } from '../components/loki/verify.js';
import { scrapeTargets, seriesLookup } from '../components/prometheus/verify.js';
import { LookupRefused, traceLookup } from './backends.js';
import { describeNetworkError } from './http.js';
import { fail, pass, skip, sleep, type Outcome } from './outcome.js';
import { LogsRejected, sendSyntheticLog, sendSyntheticSpan, SpansRejected } from './otlp.js';
import { APP_HOPS, verifyApp, type AppHopId } from '../components/apps/verify.js';
import type { App } from '../model/normalize.js';

export type HopId =
  | 'collector-health'
  | 'otlp-http'
  | 'otlp-grpc'
  | 'backend'
  | 'span-metrics'
  | 'grafana'
  | 'scrape-targets'
  | 'logs'
  | AppHopId;

export interface HopResult extends Outcome {
  id: HopId;
  /** 1 to 7, as the hops are numbered in the README; both OTLP hops are 2. */
  step: number;
  name: string;
  seconds: number;
}

export interface VerifyReport {
  stack: string;
  file: string;
  /** With --app: the app checked (its name in the stack file). */
  app?: string;
  /** The service name of the synthetic spans: find them in the UIs under it. */
  service: string;
  /** The synthetic traces, by protocol, when the collector accepted them. */
  traceIds: { http?: string; grpc?: string };
  /** True when no hop failed. */
  ok: boolean;
  hops: HopResult[];
}

export interface VerifyContext {
  stack: Stack;
  /** Where this machine reaches a service's published ports: exposure.bindAddress, or a swarm node. */
  hostOf(service: string): string;
  /** The service name of the synthetic spans (syntheticServiceName). */
  service: string;
  projectRoot: string;
  /** The stack's .env. */
  secrets: Record<string, string>;
  /** PEM of the stack's CA (TLS on). */
  ca: string | undefined;
  /** How long hops 3 and 4 wait for the data to arrive, in total. */
  timeoutMs: number;
  probeCollector(): Promise<Probe | undefined>;
  /** Called as each hop ends, for live output. */
  onHop?(hop: HopResult): void;
}

const POLL_MS = 1000;

/** A service name no application has, unique per run, so every check finds this run's data only. */
export function syntheticServiceName(): string {
  return `stackgen-verify-${randomBytes(3).toString('hex')}`;
}

export async function verifyStack(context: VerifyContext): Promise<VerifyReport> {
  const { stack } = context;
  const { service } = context;
  const report: VerifyReport = {
    stack: stack.name,
    file: stack.sourceFile,
    service,
    traceIds: {},
    ok: false,
    hops: [],
  };
  const record = (
    id: keyof typeof HOPS,
    { status, seconds, detail, hint }: Outcome & { seconds: number },
  ) => {
    const { step, name } = HOPS[id];
    const hop: HopResult = {
      id,
      step,
      name: id === 'backend' ? `trace in ${BACKEND_NAMES[stack.backend]}` : name,
      status,
      seconds,
      detail,
      ...(hint === undefined ? {} : { hint }),
    };
    report.hops.push(hop);
    context.onHop?.(hop);
  };
  const deadline = Date.now() + context.timeoutMs;

  const health = await timed(() => collectorHealth(context));
  record('collector-health', health);
  if (health.status === 'fail') {
    for (const id of Object.keys(HOPS).slice(1) as (keyof typeof HOPS)[]) {
      record(id, { ...skip('not run: the collector does not answer'), seconds: 0 });
    }
    return report;
  }
  record('otlp-http', await timed(() => sendSpan(context, 'http', service, report)));
  record('otlp-grpc', await timed(() => sendSpan(context, 'grpc', service, report)));
  record('backend', await timed(() => backendHas(context, report, deadline)));
  record('span-metrics', await timed(() => spanMetrics(context, report, deadline)));
  record('grafana', await timed(() => datasourcesHealth(context)));
  record(
    'scrape-targets',
    await timed(() => scrapeTargets(stack, context.hostOf(SERVICE_NAMES.prometheus), deadline)),
  );
  record('logs', await timed(() => logsInLoki(context, report, deadline)));
  report.ok = report.hops.every((h) => h.status !== 'fail');
  return report;
}

/**
 * With --app: the collector's health, then the links between the app and the stack (see app.ts). The
 * report's `service` is the app's service name; it sends no synthetic span.
 */
export async function verifyAppOf(context: VerifyContext, app: App): Promise<VerifyReport> {
  const { stack } = context;
  const report: VerifyReport = {
    stack: stack.name,
    file: stack.sourceFile,
    app: app.name,
    service: app.serviceName,
    traceIds: {},
    ok: false,
    hops: [],
  };
  const add = (id: HopId, step: number, name: string, outcome: Outcome & { seconds: number }) => {
    const hop: HopResult = {
      id,
      step,
      name,
      ...outcome,
      ...(outcome.hint === undefined ? {} : { hint: outcome.hint }),
    };
    if (hop.hint === undefined) delete hop.hint;
    report.hops.push(hop);
    context.onHop?.(hop);
  };
  const health = await timed(() => collectorHealth(context));
  add('collector-health', 1, HOPS['collector-health'].name, health);
  if (health.status === 'fail') {
    for (const [id, { step, name }] of Object.entries(APP_HOPS))
      add(id as AppHopId, step, name, { ...skip('not run: the collector does not answer'), seconds: 0 });
    return report;
  }
  await verifyApp(stack, app, { timeoutMs: context.timeoutMs, ca: context.ca }, async (id, run) => {
    const outcome = await timed(run);
    add(id, APP_HOPS[id].step, APP_HOPS[id].name, outcome);
    return outcome;
  });
  report.ok = report.hops.every((h) => h.status !== 'fail');
  return report;
}

/** The hops in order, numbered as in the README. */
const HOPS: Record<Exclude<HopId, AppHopId>, { step: number; name: string }> = {
  'collector-health': { step: 1, name: 'collector health' },
  'otlp-http': { step: 2, name: 'OTLP/HTTP export' },
  'otlp-grpc': { step: 2, name: 'OTLP/gRPC export' },
  backend: { step: 3, name: 'trace in the backend' },
  'span-metrics': { step: 4, name: 'span metrics in Prometheus' },
  grafana: { step: 5, name: 'Grafana datasources' },
  'scrape-targets': { step: 6, name: 'your scrape targets' },
  logs: { step: 7, name: 'log record in Loki' },
};

async function timed(run: () => Promise<Outcome>): Promise<Outcome & { seconds: number }> {
  const start = performance.now();
  const outcome = await run();
  return { ...outcome, seconds: Math.round((performance.now() - start) / 100) / 10 };
}

async function collectorHealth({ stack, probeCollector }: VerifyContext): Promise<Outcome> {
  const probe = await probeCollector();
  if (!probe) {
    return skip(
      'cannot be asked: its health port is not published (exposure.ports.collector.health) and no service has wget',
    );
  }
  if (probe.healthy) return pass(`${probe.via} answers`);
  return fail(
    probe.reason ?? `the collector (${SERVICE_NAMES.collector}) does not answer at ${probe.via}`,
    `is the stack running? Start it with "stackgen up ${stack.name}"; "stackgen status ${stack.name}" shows what runs`,
  );
}

async function sendSpan(
  context: VerifyContext,
  protocol: Protocol,
  serviceName: string,
  report: VerifyReport,
): Promise<Outcome> {
  const { stack } = context;
  if (publishedOtlpPort(stack, protocol) === false) {
    const key = protocol === 'grpc' ? 'otlpGrpc' : 'otlpHttp';
    return skip(`not published to this machine (exposure.ports.collector.${key} is false)`);
  }
  const endpoint = hostEndpoint(context, protocol);
  const url = protocol === 'grpc' ? endpoint : `${endpoint}/v1/traces`;
  try {
    const traceId = await sendSyntheticSpan({
      protocol,
      endpoint,
      serviceName,
      ca: context.ca,
      timeoutMs: 5000,
    });
    report.traceIds[protocol] = traceId;
    return pass(`trace ${traceId} accepted at ${url}`);
  } catch (error) {
    if (error instanceof SpansRejected) {
      return fail(
        `${url}: ${error.message}`,
        `"stackgen logs ${stack.name} ${SERVICE_NAMES.collector}" shows why the collector rejected them`,
      );
    }
    const other =
      protocol === 'grpc'
        ? `HTTP (port ${stack.collector.otlp.httpPort})`
        : `gRPC (port ${stack.collector.otlp.grpcPort})`;
    return fail(
      `the collector did not accept the span at ${url}: ${describeNetworkError(error)}`,
      `check the port takes OTLP over ${protocol === 'grpc' ? 'gRPC' : 'HTTP'}, not ${other}` +
        (stack.tls.enabled ? ', and that the client trusts the stack CA' : '') +
        `; "stackgen logs ${stack.name} ${SERVICE_NAMES.collector}" shows why the collector refused it`,
    );
  }
}

async function backendHas(context: VerifyContext, report: VerifyReport, deadline: number): Promise<Outcome> {
  const sent = Object.values(report.traceIds);
  if (sent.length === 0) return skip('not run: the collector accepted no span');
  const lookup = await traceLookup(context);
  if ('skip' in lookup) return skip(lookup.skip);
  const missing = new Set(sent);
  let last = '';
  try {
    for (;;) {
      for (const id of missing) {
        const result = await lookup.find(id, report.service);
        if (result.found) missing.delete(id);
        else last = result.detail;
      }
      if (missing.size === 0) {
        return pass(
          `${lookup.backend} returns ${sent.length === 1 ? 'the trace' : `all ${sent.length} traces`} (${lookup.api})`,
        );
      }
      if (Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
  } catch (error) {
    if (error instanceof LookupRefused) return fail(error.message);
    throw error;
  }
  return fail(
    `${lookup.backend} did not return ${[...missing].join(', ')} within the time limit (${lookup.api}: ${last})`,
    `${lookup.hint}; or give it longer with --timeout`,
  );
}

async function spanMetrics(context: VerifyContext, report: VerifyReport, deadline: number): Promise<Outcome> {
  const { stack } = context;
  const sources = allSpanMetricsSources(stack);
  const backend = backendOf(stack.backend);
  if (backend.keepsSpanMetrics) return skip(`${backend.title} ${backend.keepsSpanMetrics}`);
  if (sources.length === 0) return skip('span metrics are off in this stack');
  const prometheus = seriesLookup(stack, context.hostOf(SERVICE_NAMES.prometheus));
  if ('skip' in prometheus) return skip(prometheus.skip);
  if (Object.keys(report.traceIds).length === 0) return skip('not run: the collector accepted no span');
  const { base } = prometheus;
  const queries = sources.map((s) => `${s.calls}{${s.serviceLabel}="${report.service}"}`);
  const pending = new Set(queries);
  let last = '';
  for (;;) {
    for (const query of pending) {
      const result = await prometheus.find(query);
      if (result.found) pending.delete(query);
      else last = result.detail;
    }
    if (pending.size === 0) return pass(`series found: ${queries.join(', ')}`);
    if (Date.now() >= deadline) break;
    await sleep(POLL_MS);
  }
  const origin = sources.map((s) => s.madeBy);
  return fail(
    `Prometheus (${base}) has no series for ${[...pending].join(', ')} within the time limit (${last})`,
    `they come from ${origin.join(' and ')}; look at the targets on ${base}/targets, ` +
      `or give it longer with --timeout (a scrape every ${stack.prometheus.scrapeInterval})`,
  );
}

/**
 * A log record of the synthetic service, in the trace of the OTLP/HTTP span when there is one, sent as
 * an app sends it (through the published OTLP/HTTP port), then searched for in Loki by its body.
 */
async function logsInLoki(context: VerifyContext, report: VerifyReport, deadline: number): Promise<Outcome> {
  const { stack } = context;
  if (!stack.components.includes('loki')) return skip('Loki does not run in this stack');
  if (publishedOtlpPort(stack, 'http') === false)
    return skip('not published to this machine (exposure.ports.collector.otlpHttp is false)');
  const lookup = logLookup(context);
  if ('skip' in lookup) return skip(lookup.skip);
  const endpoint = hostEndpoint(context, 'http');
  const url = `${endpoint}/v1/logs`;
  const marker = `stackgen verify log ${randomBytes(6).toString('hex')}`;
  const since = Date.now();
  try {
    await sendSyntheticLog({
      endpoint,
      serviceName: report.service,
      body: marker,
      traceId: report.traceIds.http,
      ca: context.ca,
      timeoutMs: 5000,
    });
  } catch (error) {
    return fail(
      `the collector did not accept the log record at ${url}: ${error instanceof LogsRejected ? error.message : describeNetworkError(error)}`,
      `"stackgen logs ${stack.name} ${SERVICE_NAMES.collector}" shows why; the collector takes logs only when collector.signals lists them`,
    );
  }
  let last = '';
  for (;;) {
    const result = await lookup.find(report.service, marker, since);
    if (result.found) return pass(`Loki returns the record "${marker}" (${lookup.api})`);
    last = result.detail;
    if (Date.now() >= deadline) break;
    await sleep(POLL_MS);
  }
  return fail(
    `Loki did not return the record "${marker}" within the time limit (${lookup.api}: ${last})`,
    `the collector accepted it: look for export errors in "stackgen logs ${stack.name} ${SERVICE_NAMES.collector} ${SERVICE_NAMES.loki}"; or give it longer with --timeout`,
  );
}

/** The OTLP endpoint an app on this machine sends to: exactly what "stackgen env --from host" gives it. */
function hostEndpoint({ stack, projectRoot, hostOf }: VerifyContext, protocol: Protocol): string {
  const host = hostOf(SERVICE_NAMES.collector);
  const env = new Map(otelEnvironment(stack, { from: 'host', protocol, projectRoot, host }));
  return env.get('OTEL_EXPORTER_OTLP_ENDPOINT')!;
}

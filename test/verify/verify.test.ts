/**
 * `stackgen verify` against test doubles of the collector, the backends, Prometheus and Grafana
 * (test/verify/doubles.ts). Real: the synthetic spans, made by the OpenTelemetry JS SDK and sent by the
 * official OTLP exporters over HTTP and gRPC, and every request verify makes. Doubles: everything that
 * answers them. The running stack on the real engine is in test/integration/verify.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { verify } from '../../src/commands/verify.js';
import { createCa, issueServerCertificate } from '../../src/tls/certificates.js';
import { OperationError } from '../../src/errors.js';
import { loadStack } from '../../src/model/load.js';
import { renderStack } from '../../src/render/plan.js';
import { probeCollectorFromHost } from '../../src/components/collector/health.js';
import { verifyStack, type VerifyReport } from '../../src/verify/verify.js';
import { captureIo, testdir } from '../helpers/testdir.js';
import * as double from './doubles.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const SERVICE = 'stackgen-verify-0a1b2c';
const GRAFANA_PASSWORD = 'grafana-secret';
const SIGNOZ = { email: 'admin@example.com', password: 'signoz-secret' };

interface Faults {
  /** The backend never stores what the collector received. */
  backendLoses?: boolean;
  /** The gRPC port is an HTTP server (the 4317/4318 mix-up). */
  grpcPortIsHttp?: boolean;
  grafanaPassword?: string;
  signozPassword?: string;
  /** TLS on: the collector's receivers and Tempo speak TLS with this certificate. */
  tls?: double.ServerTls;
  /** What the collector answers an export (default: success, nothing rejected). */
  otlpResponse?: Buffer;
  /** Loki runs (loki.enabled); with lokiLoses it never stores what the collector received. */
  loki?: boolean;
  lokiLoses?: boolean;
}

/** A stack file whose published ports are the doubles', loaded; and what the collector double received. */
async function fakeStack(backend: 'jaeger' | 'tempo' | 'signoz', faults: Faults = {}) {
  const received = new double.Received();
  const uids: string[] = [];
  const lost = new double.Received();
  const stored = faults.backendLoses ? lost : received;
  const backendHandler = {
    jaeger: double.jaeger(stored),
    tempo: double.tempo(stored),
    signoz: double.signoz(stored, { ...SIGNOZ, password: faults.signozPassword ?? SIGNOZ.password }),
  }[backend];
  const answer: double.OtlpAnswer = { tls: faults.tls, response: faults.otlpResponse };
  const ports = {
    health: await double.httpDouble(double.health, closers),
    otlpHttp: await double.otlpHttpDouble(received, closers, answer),
    otlpGrpc: faults.grpcPortIsHttp
      ? await double.otlpHttpDouble(received, closers)
      : await double.otlpGrpcDouble(received, closers, answer),
    backend: await double.httpDouble(backendHandler, closers, backend === 'tempo' ? faults.tls : undefined),
    prometheus: await double.httpDouble(double.prometheus(received), closers),
    grafana: await double.httpDouble(
      double.grafana({ user: 'ops', password: faults.grafanaPassword ?? GRAFANA_PASSWORD }, uids),
      closers,
    ),
    loki: await double.httpDouble(double.loki(faults.lokiLoses ? lost : received), closers),
  };
  const backendPort = {
    jaeger: 'jaeger: { ui: %d }',
    tempo: 'tempo: { api: %d }',
    signoz: 'signoz: { ui: %d }',
  };
  const cwd = await testdir({
    'stacks/demo.yaml': [
      'name: demo',
      `backend: ${backend}`,
      'grafana:\n  enabled: true\n  adminUser: ops',
      'prometheus:\n  enabled: true',
      faults.tls ? 'tls:\n  enabled: true' : '',
      faults.loki ? 'loki:\n  enabled: true' : '',
      'exposure:\n  ports:',
      `    collector: { otlpGrpc: ${ports.otlpGrpc}, otlpHttp: ${ports.otlpHttp}, health: ${ports.health} }`,
      `    ${backendPort[backend].replace('%d', String(ports.backend))}`,
      `    prometheus: { ui: ${ports.prometheus} }`,
      `    grafana: { ui: ${ports.grafana} }`,
      faults.loki ? `    loki: { api: ${ports.loki} }` : '',
      '',
    ].join('\n'),
  });
  const { stack } = await loadStack(cwd, 'stacks/demo.yaml');
  // The Grafana double has exactly the datasources the stack provisions.
  const provisioning = renderStack(stack).files.find((f) => f.path.endsWith('datasources/datasources.yaml'))!;
  uids.push(
    ...(parse(provisioning.content) as { datasources: { uid: string }[] }).datasources.map((d) => d.uid),
  );
  return { cwd, stack, received };
}

async function run(
  fake: Awaited<ReturnType<typeof fakeStack>>,
  timeoutMs = 10_000,
  ca?: string,
): Promise<VerifyReport> {
  return verifyStack({
    stack: fake.stack,
    hostOf: () => '127.0.0.1',
    service: SERVICE,
    projectRoot: fake.cwd,
    secrets: { GRAFANA_ADMIN_PASSWORD: GRAFANA_PASSWORD, SIGNOZ_ADMIN_PASSWORD: SIGNOZ.password },
    ca,
    timeoutMs,
    probeCollector: () => probeCollectorFromHost(fake.stack)!,
  });
}

const statuses = (report: VerifyReport) => Object.fromEntries(report.hops.map((h) => [h.id, h.status]));

describe('stackgen verify, against test doubles', () => {
  it('passes every hop of a Jaeger stack: both exporters, the trace in Jaeger, span metrics, datasources', async () => {
    const fake = await fakeStack('jaeger');
    const report = await run(fake);
    expect(report.hops.map((h) => [h.step, h.id, h.status])).toEqual([
      [1, 'collector-health', 'pass'],
      [2, 'otlp-http', 'pass'],
      [2, 'otlp-grpc', 'pass'],
      [3, 'backend', 'pass'],
      [4, 'span-metrics', 'pass'],
      [5, 'grafana', 'pass'],
      [6, 'scrape-targets', 'skip'],
      [7, 'logs', 'skip'],
    ]);
    expect(report).toMatchObject({ stack: 'demo', file: 'stacks/demo.yaml', service: SERVICE, ok: true });
    // Two traces of their own, one per protocol, each carrying the synthetic service name to the collector.
    const { http, grpc } = report.traceIds;
    expect(http).toMatch(/^[0-9a-f]{32}$/);
    expect(grpc).toMatch(/^[0-9a-f]{32}$/);
    expect(http).not.toBe(grpc);
    expect(fake.received.serviceOf(http!)).toBe(SERVICE);
    expect(fake.received.serviceOf(grpc!)).toBe(SERVICE);
    expect(report.hops.find((h) => h.id === 'backend')).toMatchObject({
      name: 'trace in Jaeger',
      detail: expect.stringContaining('Jaeger returns all 2 traces (GET http://127.0.0.1:'),
    });
    expect(report.hops.find((h) => h.id === 'span-metrics')!.detail).toContain(
      `traces_span_metrics_calls_total{service_name="${SERVICE}"}`,
    );
    expect(report.hops.find((h) => h.id === 'grafana')!.detail).toBe('healthy: prometheus, jaeger');
  });

  it('asks Tempo by its API, and Prometheus for the series of Tempo and the collector', async () => {
    const report = await run(await fakeStack('tempo'));
    expect(statuses(report)).toMatchObject({ backend: 'pass', 'span-metrics': 'pass', grafana: 'pass' });
    expect(report.hops.find((h) => h.id === 'backend')!.name).toBe('trace in Tempo');
    expect(report.hops.find((h) => h.id === 'grafana')!.detail).toBe('healthy: prometheus, tempo');
  });

  it('logs in to SigNoz with the admin from .env and finds the trace in its waterfall', async () => {
    const report = await run(await fakeStack('signoz'));
    expect(statuses(report)).toMatchObject({ backend: 'pass', 'span-metrics': 'skip' });
    expect(report.hops.find((h) => h.id === 'span-metrics')!.detail).toContain(
      'SigNoz keeps its span metrics',
    );
  });

  it('ends the SigNoz hop at once when the login is refused, and says why', async () => {
    const report = await run(await fakeStack('signoz', { signozPassword: 'changed-since' }), 60_000);
    const backend = report.hops.find((h) => h.id === 'backend')!;
    expect(backend.status).toBe('fail');
    expect(backend.detail).toContain('SigNoz refused the login of admin@example.com (401)');
    expect(backend.seconds).toBeLessThan(30);
  });

  it('names the backend hop when the collector took the spans but the backend never shows them', async () => {
    const report = await run(await fakeStack('jaeger', { backendLoses: true }), 1500);
    expect(statuses(report)).toMatchObject({ 'otlp-http': 'pass', 'otlp-grpc': 'pass', backend: 'fail' });
    const backend = report.hops.find((h) => h.id === 'backend')!;
    expect(backend.detail).toMatch(/^Jaeger did not return [0-9a-f]{32}, [0-9a-f]{32} within the time limit/);
    expect(backend.detail).toContain('not found (404)');
    expect(backend.hint).toContain('"stackgen logs demo otel-collector jaeger"');
    expect(report.ok).toBe(false);
  });

  it('fails only the gRPC hop when the gRPC port speaks HTTP, and points at the 4317/4318 mix-up', async () => {
    const report = await run(await fakeStack('jaeger', { grpcPortIsHttp: true }));
    expect(statuses(report)).toMatchObject({ 'otlp-http': 'pass', 'otlp-grpc': 'fail', backend: 'pass' });
    const grpc = report.hops.find((h) => h.id === 'otlp-grpc')!;
    expect(grpc.hint).toMatch(/^check the port takes OTLP over gRPC, not HTTP \(port 4318\)/);
    expect(report.traceIds.grpc).toBeUndefined();
  });

  it('with TLS on, sends over HTTPS and gRPC with TLS and asks Tempo over HTTPS, trusting the stack CA', async () => {
    const ca = await createCa('demo');
    const server = await issueServerCertificate(ca, {
      name: 'otel-collector',
      dnsNames: ['otel-collector', 'tempo', 'localhost'],
      ips: ['127.0.0.1'],
    });
    const fake = await fakeStack('tempo', { tls: server });
    const trusted = await run(fake, 10_000, ca.cert);
    expect(statuses(trusted)).toMatchObject({ 'otlp-http': 'pass', 'otlp-grpc': 'pass', backend: 'pass' });
    expect(trusted.hops.find((h) => h.id === 'otlp-http')!.detail).toContain(
      'accepted at https://127.0.0.1:',
    );

    // Another CA: neither exporter nor the Tempo lookup trusts the certificate.
    const other = await createCa('other');
    const untrusted = await run(fake, 1500, other.cert);
    expect(statuses(untrusted)).toMatchObject({ 'otlp-http': 'fail', 'otlp-grpc': 'fail', backend: 'skip' });
    expect(untrusted.hops.find((h) => h.id === 'otlp-http')!.hint).toContain(
      'that the client trusts the stack CA',
    );
  });

  it('fails the export hops when the collector answers 200 but rejects the spans (OTLP partial success)', async () => {
    const response = double.partialSuccess(1, 'span is too old');
    const report = await run(await fakeStack('jaeger', { otlpResponse: response }), 1000);
    expect(statuses(report)).toMatchObject({ 'otlp-http': 'fail', 'otlp-grpc': 'fail', backend: 'skip' });
    for (const id of ['otlp-http', 'otlp-grpc']) {
      const hop = report.hops.find((h) => h.id === id)!;
      expect(hop.detail).toContain('the collector answered but rejected 1 span: span is too old');
      expect(hop.hint).toBe('"stackgen logs demo otel-collector" shows why the collector rejected them');
    }
  });

  it('with Loki, sends a log record in the synthetic trace over OTLP/HTTP and finds it through Loki', async () => {
    const fake = await fakeStack('tempo', { loki: true });
    const report = await run(fake);
    expect(report.hops.at(-1)).toMatchObject({
      step: 7,
      id: 'logs',
      name: 'log record in Loki',
      status: 'pass',
    });
    expect(report.hops.at(-1)!.detail).toMatch(
      /^Loki returns the record "stackgen verify log [0-9a-f]{12}" \(GET http:\/\/127\.0\.0\.1:\d+\/loki\/api\/v1\/query_range\)$/,
    );
    // One record, of the synthetic service, in the trace of the OTLP/HTTP span: Grafana links the two.
    const sent = JSON.parse(fake.received.logs[0]!) as {
      resourceLogs: {
        resource: unknown;
        scopeLogs: { logRecords: { traceId: string; spanId: string }[] }[];
      }[];
    };
    expect(fake.received.logs).toHaveLength(1);
    expect(JSON.stringify(sent.resourceLogs[0]!.resource)).toContain(SERVICE);
    const record = sent.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.traceId).toBe(report.traceIds.http);
    expect(record.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(report.hops.find((h) => h.id === 'grafana')!.detail).toBe('healthy: prometheus, tempo, loki');
    expect(report.ok).toBe(true);
  });

  it('fails the logs hop when Loki never shows the record, pointing at the collector and Loki', async () => {
    const report = await run(await fakeStack('jaeger', { loki: true, lokiLoses: true }), 1500);
    const logs = report.hops.find((h) => h.id === 'logs')!;
    expect(logs.status).toBe('fail');
    expect(logs.detail).toMatch(
      /^Loki did not return the record "stackgen verify log [0-9a-f]{12}" within the time limit/,
    );
    expect(logs.detail).toContain('no such record yet');
    expect(logs.hint).toContain('"stackgen logs demo otel-collector loki"');
  });

  it('says how to reset Grafana when it refuses the password from .env', async () => {
    const report = await run(await fakeStack('jaeger', { grafanaPassword: 'set-before-regenerating' }));
    const grafana = report.hops.find((h) => h.id === 'grafana')!;
    expect(grafana).toMatchObject({ status: 'fail', detail: expect.stringContaining('(401)') });
    expect(grafana.hint).toContain('grafana cli admin reset-admin-password');
  });
});

describe('stackgen verify, with nothing running', () => {
  it('fails fast at hop 1, naming the collector and how to start the stack; the rest is not run', async () => {
    // Ports nothing listens on: a double is started and closed again to find them.
    const free = await double.httpDouble(double.health, closers);
    await Promise.all(closers.splice(0).map((close) => close()));
    const cwd = await testdir({
      'stacks/demo.yaml': `name: demo\nbackend: jaeger\nexposure:\n  ports:\n    collector: { health: ${free} }\n`,
    });
    const io = captureIo();
    const error = await verify({ cwd, io, stack: undefined, json: false, timeout: 600 }).catch(
      (e: unknown) => e,
    );
    expect(error).toEqual(new OperationError('verify failed at hop 1 (collector health)'));
    const out = io.stdout.join('\n');
    expect(out).toMatch(
      /^Verifying the demo stack \(stacks\/demo\.yaml\) with spans of stackgen-verify-[0-9a-f]{6}$/m,
    );
    expect(out).toContain(`1  fail  collector health`);
    expect(out).toContain(`the collector (otel-collector) does not answer at http://127.0.0.1:${free}/`);
    expect(out).toContain('hint: is the stack running? Start it with "stackgen up demo"');
    expect(out.match(/ skip /g)).toHaveLength(7);
  });

  it('gives the same as one stable JSON object with --json', async () => {
    const cwd = await testdir({
      'stacks/demo.yaml': 'name: demo\nbackend: jaeger\nexposure:\n  ports:\n    collector: { health: 1 }\n',
    });
    const io = captureIo();
    await expect(verify({ cwd, io, stack: 'demo', json: true, timeout: 5 })).rejects.toThrow(OperationError);
    const report = JSON.parse(io.stdout.join('\n')) as VerifyReport;
    expect(Object.keys(report)).toEqual(['stack', 'file', 'service', 'traceIds', 'ok', 'hops']);
    expect(report.ok).toBe(false);
    expect(report.hops.map((h) => h.id)).toEqual([
      'collector-health',
      'otlp-http',
      'otlp-grpc',
      'backend',
      'span-metrics',
      'grafana',
      'scrape-targets',
      'logs',
    ]);
    expect(Object.keys(report.hops[0]!)).toEqual([
      'id',
      'step',
      'name',
      'status',
      'seconds',
      'detail',
      'hint',
    ]);
  });
});

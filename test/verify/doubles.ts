/**
 * Test doubles (fakes, not the real services) of what `stackgen verify` talks to, each answering the
 * documented API the way the real service does: the collector's health extension, its OTLP/HTTP and
 * OTLP/gRPC receivers, the Jaeger, Tempo and SigNoz query APIs, Loki's range query, Prometheus' instant
 * query and Grafana's datasource health. They listen on 127.0.0.1 only, on ports the system picks.
 *
 * What the receivers take is the real thing: the protobuf the official OpenTelemetry exporters send. The
 * doubles do not decode it; a trace "is stored" when a received body holds its 16 id bytes, and a service
 * when a body holds its name.
 */
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** What the collector double received, shared by the backend doubles that "store" it. */
export class Received {
  readonly bodies: Buffer[] = [];
  /** OTLP/HTTP log exports, as JSON text. */
  readonly logs: string[] = [];

  hasTrace(traceId: string): boolean {
    if (!/^[0-9a-f]{32}$/.test(traceId)) return false;
    const id = Buffer.from(traceId, 'hex');
    return this.bodies.some((body) => body.includes(id));
  }

  /** The synthetic service of the trace, read from the body that holds it. */
  serviceOf(traceId: string): string | undefined {
    const id = Buffer.from(traceId, 'hex');
    const body = this.bodies.find((b) => b.includes(id));
    return body?.toString('latin1').match(/stackgen-verify-[0-9a-f]{6}/)?.[0];
  }

  hasService(service: string): boolean {
    return this.bodies.some((body) => body.includes(Buffer.from(service)));
  }
}

type Handler = (req: http.IncomingMessage, body: Buffer, url: URL) => { status: number; json?: unknown };

/** A server certificate and key (PEM), for a double that speaks TLS. */
export interface ServerTls {
  cert: string;
  key: string;
}

/** An HTTP double on 127.0.0.1 (HTTPS with `tls`); resolves to its port. */
export async function httpDouble(
  handler: Handler,
  closers: (() => Promise<void>)[],
  tls?: ServerTls,
): Promise<number> {
  return listen(
    (req, body, res) => {
      const { status, json } = handler(req, body, new URL(req.url!, 'http://double'));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    },
    closers,
    tls,
  );
}

/** Serves `answer` with each request's whole body. */
async function listen(
  answer: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void,
  closers: (() => Promise<void>)[],
  tls: ServerTls | undefined,
): Promise<number> {
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, Buffer.concat(chunks), res));
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** The collector's health_check extension: 200 on "/" while the collector runs. */
export const health: Handler = () => ({ status: 200, json: { status: 'Server available' } });

export interface OtlpAnswer {
  tls?: ServerTls;
  /** The ExportTraceServiceResponse (protobuf); empty, with no partial_success, by default. */
  response?: Buffer;
}

/** An ExportTraceServiceResponse whose partial_success rejects `spans` spans, for `reason`. */
export function partialSuccess(spans: number, reason: string): Buffer {
  const message = Buffer.from(reason);
  const inner = Buffer.concat([Buffer.from([0x08, spans, 0x12, message.length]), message]);
  return Buffer.concat([Buffer.from([0x0a, inner.length]), inner]);
}

/** The collector's OTLP/HTTP receiver: POST /v1/traces takes protobuf and answers an empty response. */
export function otlpHttpDouble(
  received: Received,
  closers: (() => Promise<void>)[],
  { tls, response = Buffer.alloc(0) }: OtlpAnswer = {},
): Promise<number> {
  return listen(
    (req, body, res) => {
      if (req.method === 'POST' && req.url === '/v1/logs') {
        // Logs as verify sends them: OTLP JSON, answered with an empty ExportLogsServiceResponse.
        received.logs.push(body.toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      received.bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': response.length });
      res.end(response);
    },
    closers,
    tls,
  );
}

const passthrough = (b: Buffer) => b;
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: passthrough,
    requestDeserialize: passthrough,
    responseSerialize: passthrough,
    responseDeserialize: passthrough,
  },
};

/** The collector's OTLP/gRPC receiver: TraceService/Export, raw protobuf in, empty response out. */
export async function otlpGrpcDouble(
  received: Received,
  closers: (() => Promise<void>)[],
  { tls, response = Buffer.alloc(0) }: OtlpAnswer = {},
): Promise<number> {
  const server = new Server();
  server.addService(TRACE_SERVICE, {
    Export: (call: { request: Buffer }, callback: (error: null, response: Buffer) => void) => {
      received.bodies.push(call.request);
      callback(null, response);
    },
  });
  const credentials = tls
    ? ServerCredentials.createSsl(null, [
        { cert_chain: Buffer.from(tls.cert), private_key: Buffer.from(tls.key) },
      ])
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, p) => (error ? reject(error) : resolve(p))),
  );
  closers.push(async () => server.forceShutdown());
  return port;
}

const traceIdIn = (url: URL, pattern: RegExp) => url.pathname.match(pattern)?.[1] ?? '';

/** Jaeger v2 api_v3: GET /api/v3/traces/{id} → {"result": OTLP JSON}, 404 until stored. */
export function jaeger(received: Received): Handler {
  return (_req, _body, url) => {
    const id = traceIdIn(url, /^\/api\/v3\/traces\/([0-9a-f]+)$/);
    if (!received.hasTrace(id))
      return { status: 404, json: { error: { httpCode: 404, message: 'trace not found' } } };
    return { status: 200, json: { result: otlpJson(id, received.serviceOf(id)!) } };
  };
}

/** Tempo: GET /api/v2/traces/{id} → {"trace": OTLP JSON}, 404 until stored. */
export function tempo(received: Received): Handler {
  return (_req, _body, url) => {
    const id = traceIdIn(url, /^\/api\/v2\/traces\/([0-9a-f]+)$/);
    if (!received.hasTrace(id)) return { status: 404 };
    return { status: 200, json: { trace: otlpJson(id, received.serviceOf(id)!) } };
  };
}

function otlpJson(traceId: string, service: string) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'stackgen-verify' }, spans: [{ traceId, name: 'stackgen verify' }] }],
      },
    ],
  };
}

/**
 * SigNoz: readyz, the session API (context by email, then email/password for an access token) and the
 * v4 waterfall, whose spans carry their resource as a map (`"service.name": …`).
 */
export function signoz(received: Received, admin: { email: string; password: string }): Handler {
  const token = 'double-access-token';
  return (req, body, url) => {
    if (url.pathname === '/api/v2/readyz') return { status: 200, json: { ready: true } };
    if (url.pathname === '/api/v2/sessions/context') {
      const exists = url.searchParams.get('email') === admin.email;
      return {
        status: 200,
        json: {
          status: 'success',
          data: { exists, orgs: exists ? [{ id: 'org-double', name: 'double' }] : [] },
        },
      };
    }
    if (url.pathname === '/api/v2/sessions/email_password' && req.method === 'POST') {
      const login = JSON.parse(body.toString()) as { email: string; password: string; orgId: string };
      if (login.email !== admin.email || login.password !== admin.password || login.orgId !== 'org-double')
        return { status: 401, json: { status: 'error', error: { code: 'unauthenticated' } } };
      return { status: 200, json: { status: 'success', data: { accessToken: token, refreshToken: 'r' } } };
    }
    const id = traceIdIn(url, /^\/api\/v4\/traces\/([0-9a-f]+)\/waterfall$/);
    if (id && req.method === 'POST') {
      if (req.headers.authorization !== `Bearer ${token}`) return { status: 401 };
      if (!received.hasTrace(id))
        return { status: 404, json: { status: 'error', error: { code: 'not_found' } } };
      const span = {
        trace_id: id,
        name: 'stackgen verify',
        resource: { 'service.name': received.serviceOf(id) },
      };
      return { status: 200, json: { status: 'success', data: { spans: [span], totalSpansCount: 1 } } };
    }
    return { status: 404 };
  };
}

/** Prometheus' instant query: one series per query whose label names a service the collector received. */
export function prometheus(received: Received): Handler {
  return (_req, _body, url) => {
    const query = url.pathname === '/api/v1/query' ? (url.searchParams.get('query') ?? '') : '';
    const service = query.match(/="([^"]+)"/)?.[1];
    const result = service && received.hasService(service) ? [{ metric: {}, value: [0, '1'] }] : [];
    return { status: 200, json: { status: 'success', data: { resultType: 'vector', result } } };
  };
}

/** Grafana's datasource health, behind basic auth: healthy for each uid it has provisioned. */
export function grafana(admin: { user: string; password: string }, uids: string[]): Handler {
  return (req, _body, url) => {
    const expected = `Basic ${Buffer.from(`${admin.user}:${admin.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return { status: 401, json: { message: 'Invalid username or password' } };
    const uid = traceIdIn(url, /^\/api\/datasources\/uid\/([^/]+)\/health$/);
    if (!uids.includes(uid)) return { status: 404, json: { message: 'Data source not found' } };
    return { status: 200, json: { status: 'OK', message: 'Data source is working' } };
  };
}

/**
 * Loki's GET /loki/api/v1/query_range for the one query shape verify sends, `{service_name="S"} |= "M"`:
 * the bodies of the received log records of service S holding M, as one stream.
 */
export function loki(received: Received): Handler {
  return (_req, _body, url) => {
    if (url.pathname !== '/loki/api/v1/query_range') return { status: 404 };
    const query = /^\{service_name=("[^"]*")\} \|= ("[^"]*")$/.exec(url.searchParams.get('query') ?? '');
    if (!query) return { status: 400, json: { message: 'parse error' } };
    const [service, marker] = [JSON.parse(query[1]!) as string, JSON.parse(query[2]!) as string];
    type Export = {
      resourceLogs: {
        resource: { attributes: { key: string; value: { stringValue: string } }[] };
        scopeLogs: { logRecords: { timeUnixNano: string; body: { stringValue: string } }[] }[];
      }[];
    };
    const values = received.logs
      .flatMap((text) => (JSON.parse(text) as Export).resourceLogs)
      .filter((r) =>
        r.resource.attributes.some((a) => a.key === 'service.name' && a.value.stringValue === service),
      )
      .flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords))
      .filter((record) => record.body.stringValue.includes(marker))
      .map((record) => [record.timeUnixNano, record.body.stringValue]);
    const result = values.length ? [{ stream: { service_name: service }, values }] : [];
    return { status: 200, json: { status: 'success', data: { resultType: 'streams', result } } };
  };
}

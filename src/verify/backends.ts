/**
 * Asking the trace backend for a trace by id, each through its own documented query API, from this
 * machine through the published port:
 * - Jaeger v2: `GET /api/v3/traces/{id}` (api_v3 over HTTP; 404 until the trace is stored);
 * - Tempo: `GET /api/v2/traces/{id}` (404 until the trace is stored);
 * - SigNoz: `GET /api/v2/readyz`, a session (`GET /api/v2/sessions/context`, then
 *   `POST /api/v2/sessions/email_password`) and `POST /api/v4/traces/{id}/waterfall` (404 until stored).
 * And Loki, for the log record verify sends: `GET /loki/api/v1/query_range` (logLookup).
 */
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { BACKEND_NAMES } from '../model/constants.js';
import { hostForUrls } from '../render/endpoints.js';
import { describeNetworkError, request, type HttpResponse } from './http.js';

export interface Lookup {
  found: boolean;
  /** What the backend said, for the report. */
  detail: string;
}

export interface TraceLookup {
  backend: string;
  /** The API asked, for the report. */
  api: string;
  find(traceId: string, serviceName: string): Promise<Lookup>;
  /** What to look at when the trace never arrives. */
  hint: string;
}

/** The backend refused in a way asking again cannot fix (a login); ends the hop at once. */
export class LookupRefused extends Error {}

export interface LookupContext {
  stack: Stack;
  /** Where this machine reaches a service's published ports (an address, or [v6]). */
  hostOf(service: string): string;
  /** The stack's .env. */
  secrets: Record<string, string>;
  ca: string | undefined;
  timeoutMs: number;
}

/** How to ask this stack's backend, or why it cannot be asked from this machine. */
export function traceLookup(context: LookupContext): TraceLookup | { skip: string } {
  const { stack } = context;
  const host = context.hostOf(SERVICE_NAMES[stack.backend]);
  const ports = stack.exposure.ports;
  const logs = (service: string) => `"stackgen logs ${stack.name} ${SERVICE_NAMES.collector} ${service}"`;
  switch (stack.backend) {
    case 'jaeger': {
      if (ports.jaeger.ui === false) return { skip: unpublished('Jaeger', 'jaeger.ui') };
      const base = `http://${host}:${ports.jaeger.ui}`;
      return {
        backend: BACKEND_NAMES.jaeger,
        api: `GET ${base}/api/v3/traces/{id}`,
        find: (id, service) =>
          lookup(() => request(`${base}/api/v3/traces/${id}`, options(context)), service),
        hint: `the collector accepted the span but Jaeger does not have it: look for export errors in ${logs(SERVICE_NAMES.jaeger)}`,
      };
    }
    case 'tempo': {
      if (ports.tempo.api === false) return { skip: unpublished('Tempo', 'tempo.api') };
      const scheme = stack.tls.enabled ? 'https' : 'http';
      const base = `${scheme}://${host}:${ports.tempo.api}`;
      return {
        backend: BACKEND_NAMES.tempo,
        api: `GET ${base}/api/v2/traces/{id}`,
        find: (id, service) =>
          lookup(() => request(`${base}/api/v2/traces/${id}`, options(context)), service),
        hint: `the collector accepted the span but Tempo does not have it: look for export errors in ${logs(SERVICE_NAMES.tempo)}`,
      };
    }
    case 'signoz': {
      if (ports.signoz.ui === false) return { skip: unpublished('SigNoz', 'signoz.ui') };
      return signozLookup(context, `http://${host}:${ports.signoz.ui}`, logs(SERVICE_NAMES.signoz));
    }
  }
}

/** How to find recent spans of a service through the backend's search API (verify --app). */
export interface ServiceSearch {
  url(service: string, sinceMs: number, untilMs: number): string;
  found(json: unknown): boolean;
}

/** How to search this stack's backend for a service's spans, or why it cannot be searched from here. */
export function serviceSearch(stack: Stack): ServiceSearch | { skip: (service: string) => string } {
  const host = hostForUrls(stack.exposure.bindAddress);
  const ports = stack.exposure.ports;
  switch (stack.backend) {
    case 'jaeger': {
      if (ports.jaeger.ui === false) return { skip: () => unpublished('Jaeger', 'jaeger.ui') };
      return {
        url: (service, since, until) =>
          `http://${host}:${ports.jaeger.ui}/api/v3/traces?${new URLSearchParams({
            'query.service_name': service,
            'query.start_time_min': new Date(since).toISOString(),
            'query.start_time_max': new Date(until).toISOString(),
            'query.search_depth': '1',
          })}`,
        found: (json) => JSON.stringify(json ?? '').includes('"spans"'),
      };
    }
    case 'tempo': {
      if (ports.tempo.api === false) return { skip: () => unpublished('Tempo', 'tempo.api') };
      const scheme = stack.tls.enabled ? 'https' : 'http';
      return {
        url: (service, since, until) =>
          `${scheme}://${host}:${ports.tempo.api}/api/search?${new URLSearchParams({
            q: `{ resource.service.name = ${JSON.stringify(service)} }`,
            start: String(Math.floor(since / 1000)),
            end: String(Math.ceil(until / 1000)),
            limit: '1',
          })}`,
        found: (json) => ((json as { traces?: unknown[] })?.traces ?? []).length > 0,
      };
    }
    case 'signoz':
      return {
        skip: (service) => `look for ${service} on SigNoz's Services page (its search API needs a session)`,
      };
  }
}

function unpublished(backend: string, key: string): string {
  return `${backend}'s API is not published to this machine (exposure.ports.${key} is false), so it cannot be asked`;
}

function options({ ca, timeoutMs }: LookupContext) {
  return { ca, timeoutMs: Math.min(timeoutMs, 5000) };
}

async function lookup(ask: () => Promise<HttpResponse>, serviceName: string): Promise<Lookup> {
  try {
    const response = await ask();
    if (response.status === 404) return { found: false, detail: 'not found (404)' };
    if (response.status !== 200)
      return { found: false, detail: `answered ${response.status}: ${excerpt(response.text)}` };
    return containsService(response.json, serviceName)
      ? { found: true, detail: 'found' }
      : { found: false, detail: `answered without a span of ${serviceName}` };
  } catch (error) {
    return { found: false, detail: describeNetworkError(error) };
  }
}

/**
 * Whether a trace in any of the backends' JSON shapes holds a span of `serviceName`: OTLP JSON resource
 * attributes (`{"key":"service.name","value":{"stringValue":…}}`) or SigNoz's `{"service.name": …}`.
 */
export function containsService(json: unknown, serviceName: string): boolean {
  if (Array.isArray(json)) return json.some((item) => containsService(item, serviceName));
  if (json === null || typeof json !== 'object') return false;
  const o = json as Record<string, unknown>;
  if (o['service.name'] === serviceName) return true;
  if (o.key === 'service.name' && (o.value as { stringValue?: unknown })?.stringValue === serviceName)
    return true;
  return Object.values(o).some((value) => containsService(value, serviceName));
}

function signozLookup(context: LookupContext, base: string, logs: string): TraceLookup {
  const { stack, secrets } = context;
  const email = stack.signoz.admin.email;
  let token: string | undefined;
  const hint =
    `the collector accepted the span but SigNoz does not show it: SigNoz's collector writes only once SigNoz ` +
    `has handed it its pipelines; look at ${logs}`;

  async function login(): Promise<Lookup | undefined> {
    const ready = await request(`${base}/api/v2/readyz`, options(context));
    if (ready.status !== 200)
      return { found: false, detail: `SigNoz is not ready yet (readyz ${ready.status})` };
    const password = secrets.SIGNOZ_ADMIN_PASSWORD;
    if (!password)
      throw new LookupRefused(
        'SIGNOZ_ADMIN_PASSWORD is missing from the stack\'s .env (run "stackgen generate")',
      );
    const context_ = await request(
      `${base}/api/v2/sessions/context?email=${encodeURIComponent(email)}`,
      options(context),
    );
    const orgId = (context_.json as { data?: { orgs?: { id?: string }[] } })?.data?.orgs?.[0]?.id;
    if (!orgId)
      throw new LookupRefused(
        `SigNoz knows no organisation of ${email} (${context_.status}: ${excerpt(context_.text)})`,
      );
    const session = await request(`${base}/api/v2/sessions/email_password`, {
      ...options(context),
      method: 'POST',
      json: { email, password, orgId },
    });
    token = (session.json as { data?: { accessToken?: string } })?.data?.accessToken;
    if (session.status !== 200 || !token) {
      throw new LookupRefused(
        `SigNoz refused the login of ${email} (${session.status}): SigNoz sets the admin's password from ` +
          `SIGNOZ_ADMIN_PASSWORD when it starts, so after a change in .env run "stackgen up ${stack.name}" to restart it`,
      );
    }
    return undefined;
  }

  return {
    backend: BACKEND_NAMES.signoz,
    api: `POST ${base}/api/v4/traces/{id}/waterfall`,
    hint,
    async find(id, serviceName) {
      try {
        if (!token) {
          const notReady = await login();
          if (notReady) return notReady;
        }
        return await lookup(
          () =>
            request(`${base}/api/v4/traces/${id}/waterfall`, {
              ...options(context),
              method: 'POST',
              json: {},
              headers: { authorization: `Bearer ${token}` },
            }),
          serviceName,
        );
      } catch (error) {
        if (error instanceof LookupRefused) throw error;
        return { found: false, detail: describeNetworkError(error) };
      }
    },
  };
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line || '(empty)';
}

/** How verify finds its log record in Loki, or why Loki cannot be asked from here. */
export interface LogLookup {
  /** The API asked, for the report. */
  api: string;
  /** Whether a record whose line holds `marker` came back for the service. */
  find(serviceName: string, marker: string, sinceMs: number): Promise<Lookup>;
}

/**
 * Loki's query API: `GET /loki/api/v1/query_range` with the stream selector `{service_name="…"}` (Loki
 * makes the label of the resource attribute service.name) and a line filter on the record's body.
 */
export function logLookup(context: LookupContext): LogLookup | { skip: string } {
  const { stack } = context;
  const port = stack.exposure.ports.loki.api;
  if (port === false) return { skip: unpublished('Loki', 'loki.api') };
  const scheme = stack.tls.enabled ? 'https' : 'http';
  const base = `${scheme}://${context.hostOf(SERVICE_NAMES.loki)}:${port}`;
  return {
    api: `GET ${base}/loki/api/v1/query_range`,
    async find(service, marker, since) {
      const query = `{service_name=${JSON.stringify(service)}} |= ${JSON.stringify(marker)}`;
      const url = `${base}/loki/api/v1/query_range?${new URLSearchParams({
        query,
        // Nanoseconds, as Loki reads them; a minute of slack for clocks.
        start: `${since - 60_000}000000`,
        limit: '10',
        direction: 'backward',
      })}`;
      try {
        const response = await request(url, options(context));
        if (response.status !== 200)
          return { found: false, detail: `answered ${response.status}: ${excerpt(response.text)}` };
        const streams = (response.json as { data?: { result?: { values?: [string, string][] }[] } })?.data
          ?.result;
        const lines = (streams ?? []).flatMap((s) => (s.values ?? []).map(([, line]) => line));
        return lines.some((line) => line.includes(marker))
          ? { found: true, detail: 'found' }
          : { found: false, detail: 'no such record yet' };
      } catch (error) {
        return { found: false, detail: describeNetworkError(error) };
      }
    },
  };
}

/**
 * What `verify` asks a backend, and the helpers each backend's lookups (src/backends/<name>/verify.ts) share:
 * a lookup by trace id, a search for a service's spans, and the shapes their answers are read in.
 */
import type { Stack } from '../model/normalize.js';
import { COMPONENT_SERVICE_NAMES } from '../components/index.js';
import { describeNetworkError, request, type HttpResponse } from './http.js';

const COLLECTOR = COMPONENT_SERVICE_NAMES.collector;

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

/** How to find recent spans of a service through the backend's search API (verify --app). */
export interface ServiceSearch {
  url(service: string, sinceMs: number, untilMs: number): string;
  found(json: unknown): boolean;
}

/**
 * A lookup by `GET <base><path>/<id>`, as Jaeger's api_v3 and Tempo's API answer it (404 until the trace is
 * stored); `service` is the backend's, whose log the hint names.
 */
export function traceById(
  context: LookupContext,
  backend: string,
  base: string,
  path: string,
  service: string,
): TraceLookup {
  return {
    backend,
    api: `GET ${base}${path}/{id}`,
    find: (id, serviceName) => lookup(() => request(`${base}${path}/${id}`, options(context)), serviceName),
    hint: `the collector accepted the span but ${backend} does not have it: look for export errors in ${logsCommand(context.stack, service)}`,
  };
}

export function unpublished(backend: string, key: string): string {
  return `${backend}'s API is not published to this machine (exposure.ports.${key} is false), so it cannot be asked`;
}

export function options({ ca, timeoutMs }: LookupContext) {
  return { ca, timeoutMs: Math.min(timeoutMs, 5000) };
}

export async function lookup(ask: () => Promise<HttpResponse>, serviceName: string): Promise<Lookup> {
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

export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line || '(empty)';
}

/** The command that shows the collector's log beside a backend service's, for a hint. */
export function logsCommand(stack: Stack, service: string): string {
  return `"stackgen logs ${stack.name} ${COLLECTOR} ${service}"`;
}

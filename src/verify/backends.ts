/**
 * What `verify` asks the stack's backend, through that backend's own lookups (src/backends/<name>/verify.ts,
 * loaded only here); and Loki, for the log record verify sends: `GET /loki/api/v1/query_range` (logLookup).
 */
import { backendOf } from '../backends/index.js';
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { describeNetworkError, request } from './http.js';
import {
  excerpt,
  options,
  unpublished,
  type Lookup,
  type LookupContext,
  type ServiceSearch,
  type TraceLookup,
} from './lookup.js';

export { LookupRefused } from './lookup.js';

/** How to ask this stack's backend for a trace by id, or why it cannot be asked from this machine. */
export async function traceLookup(context: LookupContext): Promise<TraceLookup | { skip: string }> {
  return (await backendOf(context.stack.backend).verify()).traceLookup(context);
}

/** How to search this stack's backend for a service's spans, or why it cannot be searched from here. */
export async function serviceSearch(
  stack: Stack,
): Promise<ServiceSearch | { skip: (service: string) => string }> {
  return (await backendOf(stack.backend).verify()).serviceSearch(stack);
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

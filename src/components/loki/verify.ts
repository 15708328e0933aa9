/**
 * How `verify` asks Loki for the log record it sent: `GET /loki/api/v1/query_range` with the stream
 * selector `{service_name="…"}` (Loki makes that label of the resource attribute service.name) and a line
 * filter on the record's body.
 */
import { describeNetworkError, request } from '../../verify/http.js';
import { excerpt, options, unpublished, type Lookup, type LookupContext } from '../../verify/lookup.js';
import { FACTS } from './facts.js';

/** How verify finds its log record in Loki, or why Loki cannot be asked from here. */
export interface LogLookup {
  /** The API asked, for the report. */
  api: string;
  /** Whether a record whose line holds `marker` came back for the service. */
  find(serviceName: string, marker: string, sinceMs: number): Promise<Lookup>;
}

export function logLookup(context: LookupContext): LogLookup | { skip: string } {
  const { stack } = context;
  const port = stack.exposure.ports.loki.api;
  if (port === false) return { skip: unpublished(FACTS.title, 'loki.api') };
  const scheme = stack.tls.enabled ? 'https' : 'http';
  const base = `${scheme}://${context.hostOf(FACTS.serviceName)}:${port}`;
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

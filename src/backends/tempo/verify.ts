/**
 * How `verify` asks Tempo, through its HTTP API (HTTPS when the stack's TLS is on): `GET /api/v2/traces/{id}`
 * (404 until the trace is stored), and a TraceQL search for a service's recent spans.
 */
import { hostForUrls } from '../../render/endpoints.js';
import { request } from '../../verify/http.js';
import { logsCommand, lookup, options, unpublished } from '../../verify/lookup.js';
import type { BackendVerify } from '../backend.js';
import { FACTS } from './facts.js';

export const VERIFY: BackendVerify = {
  traceLookup(context) {
    const { stack } = context;
    const port = stack.exposure.ports.tempo.api;
    if (port === false) return { skip: unpublished(FACTS.title, 'tempo.api') };
    const scheme = stack.tls.enabled ? 'https' : 'http';
    const base = `${scheme}://${context.hostOf(FACTS.serviceNames.tempo)}:${port}`;
    return {
      backend: FACTS.title,
      api: `GET ${base}/api/v2/traces/{id}`,
      find: (id, service) => lookup(() => request(`${base}/api/v2/traces/${id}`, options(context)), service),
      hint: `the collector accepted the span but Tempo does not have it: look for export errors in ${logsCommand(stack, FACTS.serviceNames.tempo)}`,
    };
  },
  serviceSearch(stack) {
    const port = stack.exposure.ports.tempo.api;
    if (port === false) return { skip: () => unpublished(FACTS.title, 'tempo.api') };
    const scheme = stack.tls.enabled ? 'https' : 'http';
    const host = hostForUrls(stack.exposure.bindAddress);
    return {
      url: (service, since, until) =>
        `${scheme}://${host}:${port}/api/search?${new URLSearchParams({
          q: `{ resource.service.name = ${JSON.stringify(service)} }`,
          start: String(Math.floor(since / 1000)),
          end: String(Math.ceil(until / 1000)),
          limit: '1',
        })}`,
      found: (json) => ((json as { traces?: unknown[] })?.traces ?? []).length > 0,
    };
  },
};

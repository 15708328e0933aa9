/**
 * How `verify` asks Tempo, through its HTTP API (HTTPS when the stack's TLS is on): `GET /api/v2/traces/{id}`
 * (404 until the trace is stored), and a TraceQL search for a service's recent spans.
 */
import { hostForUrls } from '../../render/endpoints.js';
import { traceById, unpublished } from '../../verify/lookup.js';
import type { BackendVerify } from '../backend.js';
import { FACTS } from './facts.js';

export const VERIFY: BackendVerify = {
  traceLookup(context) {
    const { stack } = context;
    const port = stack.exposure.ports.tempo.api;
    if (port === false) return { skip: unpublished(FACTS.title, 'tempo.api') };
    const scheme = stack.tls.enabled ? 'https' : 'http';
    const service = FACTS.serviceNames.tempo;
    const base = `${scheme}://${context.hostOf(service)}:${port}`;
    return traceById(context, FACTS.title, base, '/api/v2/traces', service);
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

/**
 * How `verify` asks Jaeger v2, through its api_v3 over HTTP: `GET /api/v3/traces/{id}` (404 until the trace
 * is stored), and `GET /api/v3/traces?query.service_name=…` for a service's recent spans.
 */
import { hostForUrls } from '../../render/endpoints.js';
import { traceById, unpublished } from '../../verify/lookup.js';
import type { BackendVerify } from '../backend.js';
import { FACTS } from './facts.js';

export const VERIFY: BackendVerify = {
  traceLookup(context) {
    const { stack } = context;
    const port = stack.exposure.ports.jaeger.ui;
    if (port === false) return { skip: unpublished(FACTS.title, 'jaeger.ui') };
    const service = FACTS.serviceNames.jaeger;
    const base = `http://${context.hostOf(service)}:${port}`;
    return traceById(context, FACTS.title, base, '/api/v3/traces', service);
  },
  serviceSearch(stack) {
    const port = stack.exposure.ports.jaeger.ui;
    if (port === false) return { skip: () => unpublished(FACTS.title, 'jaeger.ui') };
    const host = hostForUrls(stack.exposure.bindAddress);
    return {
      url: (service, since, until) =>
        `http://${host}:${port}/api/v3/traces?${new URLSearchParams({
          'query.service_name': service,
          'query.start_time_min': new Date(since).toISOString(),
          'query.start_time_max': new Date(until).toISOString(),
          'query.search_depth': '1',
        })}`,
      found: (json) => JSON.stringify(json ?? '').includes('"spans"'),
    };
  },
};

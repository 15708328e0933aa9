/**
 * What `verify` asks Prometheus, through its published port: whether a query has series (the span metrics
 * of verify's synthetic service, `GET /api/v1/query`), and whether every scrape job of the stack file
 * (`prometheus.scrapeJobs`) has each of its targets up (`GET /api/v1/targets`), or why not, in words that
 * point at the fix (a host that does not resolve, a program on this machine listening on 127.0.0.1 only).
 */
import type { Stack } from '../../model/normalize.js';
import { describeNetworkError, request } from '../../verify/http.js';
import type { Lookup } from '../../verify/lookup.js';
import { fail, pass, skip, sleep, type Outcome } from '../../verify/outcome.js';

/** Where this machine reaches Prometheus' API (`host`: where its published port is), or why it cannot. */
function apiOf(stack: Stack, host: string): { base: string } | { skip: string } {
  if (!stack.components.includes('prometheus')) return { skip: 'Prometheus does not run in this stack' };
  const port = stack.exposure.ports.prometheus.ui;
  if (port === false)
    return { skip: 'Prometheus is not published to this machine (exposure.ports.prometheus.ui is false)' };
  return { base: `http://${host}:${port}` };
}

/** How to ask Prometheus whether a query has series, or why it cannot be asked from here. */
export function seriesLookup(
  stack: Stack,
  host: string,
): { base: string; find(query: string): Promise<Lookup> } | { skip: string } {
  const api = apiOf(stack, host);
  if ('skip' in api) return api;
  return {
    base: api.base,
    async find(query) {
      try {
        const response = await request(`${api.base}/api/v1/query?query=${encodeURIComponent(query)}`, {
          timeoutMs: 5000,
        });
        const result = (response.json as { data?: { result?: unknown[] } })?.data?.result;
        if (response.status === 200 && Array.isArray(result) && result.length > 0)
          return { found: true, detail: 'found' };
        return {
          found: false,
          detail: response.status === 200 ? 'no series yet' : `answered ${response.status}`,
        };
      } catch (error) {
        return { found: false, detail: describeNetworkError(error) };
      }
    },
  };
}

interface Target {
  labels: { job?: string; instance?: string };
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** `host`: where this machine reaches Prometheus' published port. */
export async function scrapeTargets(stack: Stack, host: string, deadline: number): Promise<Outcome> {
  const jobs = stack.prometheus.scrapeJobs.map((j) => j.name);
  if (jobs.length === 0) return skip('the stack file has no scrape jobs of yours');
  const api = apiOf(stack, host);
  if ('skip' in api) return skip(api.skip);
  const { base } = api;
  // A target Prometheus has not scraped yet is "unknown": wait for a first scrape, within the deadline.
  let targets: Target[] = [];
  for (;;) {
    try {
      const response = await request(`${base}/api/v1/targets?state=active`, { timeoutMs: 5000 });
      targets = (
        (response.json as { data?: { activeTargets?: Target[] } })?.data?.activeTargets ?? []
      ).filter((t) => jobs.includes(t.labels.job ?? ''));
    } catch (error) {
      return fail(
        `Prometheus does not answer at ${base}: ${describeNetworkError(error)}`,
        `"stackgen status ${stack.name}"`,
      );
    }
    if (targets.every((t) => t.health !== 'unknown') || Date.now() >= deadline) break;
    await sleep(1000);
  }
  const down = targets.filter((t) => t.health !== 'up');
  if (down.length === 0) {
    const upJobs = jobs.map((job) => `${job} (${targets.filter((t) => t.labels.job === job).length})`);
    return pass(`targets up, by job: ${upJobs.join(', ')}`);
  }
  return fail(
    down
      .map(
        (t) => `${t.labels.job} ${t.labels.instance}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`,
      )
      .join('; '),
    [...new Set(down.map((t) => hintFor(stack, t)))].join(' '),
  );
}

/** What to look at for one target that is down, from its host and Prometheus' error. */
export function hintFor(stack: Stack, target: Target): string {
  const host = (target.labels.instance ?? '').replace(/:\d+$/, '');
  const error = target.lastError;
  if (host === 'host.docker.internal' && /connection refused|i\/o timeout|no route/i.test(error))
    return 'A program on this machine must listen on 0.0.0.0 (or the Docker bridge address), not on 127.0.0.1 only: containers reach this machine through host.docker.internal.';
  if (/no such host|server misbehaving/i.test(error))
    return `${host} does not resolve from Prometheus: a service must be on the stack's network (${stack.networks.observability}) under that name; a program on this machine is host.docker.internal.`;
  if (/connection refused/i.test(error))
    return `${host} resolves but nothing listens on that port: is the metrics endpoint on?`;
  if (/status code 404/i.test(error)) return `${host} answers, but not on that path: check metricsPath.`;
  if (host === 'localhost' || host === '127.0.0.1')
    return `${host} is Prometheus' own container; for a program on this machine use host.docker.internal.`;
  return `see ${target.scrapeUrl}`;
}

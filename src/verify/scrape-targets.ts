/**
 * verify's last hop: every scrape job of the stack file (`prometheus.scrapeJobs`) has each of its targets up
 * in Prometheus, or says why not, in words that point at the fix (a host that does not resolve, a program
 * on this machine listening on 127.0.0.1 only).
 */
import type { Stack } from '../model/normalize.js';
import { describeNetworkError, request } from './http.js';

interface Target {
  labels: { job?: string; instance?: string };
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export type ScrapeOutcome =
  { status: 'pass' | 'skip'; detail: string } | { status: 'fail'; detail: string; hint: string };

/** `host`: where this machine reaches Prometheus' published port. */
export async function scrapeTargets(stack: Stack, host: string, deadline: number): Promise<ScrapeOutcome> {
  const jobs = stack.prometheus.scrapeJobs.map((j) => j.name);
  if (jobs.length === 0) return { status: 'skip', detail: 'the stack file has no scrape jobs of yours' };
  if (!stack.components.includes('prometheus'))
    return { status: 'skip', detail: 'Prometheus does not run in this stack' };
  const port = stack.exposure.ports.prometheus.ui;
  if (port === false)
    return {
      status: 'skip',
      detail: 'Prometheus is not published to this machine (exposure.ports.prometheus.ui is false)',
    };
  const base = `http://${host}:${port}`;
  // A target Prometheus has not scraped yet is "unknown": wait for a first scrape, within the deadline.
  let targets: Target[] = [];
  for (;;) {
    try {
      const response = await request(`${base}/api/v1/targets?state=active`, { timeoutMs: 5000 });
      targets = (
        (response.json as { data?: { activeTargets?: Target[] } })?.data?.activeTargets ?? []
      ).filter((t) => jobs.includes(t.labels.job ?? ''));
    } catch (error) {
      return {
        status: 'fail',
        detail: `Prometheus does not answer at ${base}: ${describeNetworkError(error)}`,
        hint: `"stackgen status ${stack.name}"`,
      };
    }
    if (targets.every((t) => t.health !== 'unknown') || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const down = targets.filter((t) => t.health !== 'up');
  if (down.length === 0) {
    const upJobs = jobs.map((job) => `${job} (${targets.filter((t) => t.labels.job === job).length})`);
    return { status: 'pass', detail: `targets up, by job: ${upJobs.join(', ')}` };
  }
  return {
    status: 'fail',
    detail: down
      .map(
        (t) => `${t.labels.job} ${t.labels.instance}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`,
      )
      .join('; '),
    hint: [...new Set(down.map((t) => hintFor(stack, t)))].join(' '),
  };
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

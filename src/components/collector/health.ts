/**
 * The collector's health. Its image has no wget or curl, so compose cannot check it; stackgen asks the
 * health_check extension itself: from the host through the published port, or, when that port is not
 * published, from another service of the stack whose image has wget.
 */
import { backendOf } from '../../backends/index.js';
import type { ComposeProject } from '../../docker/compose.js';
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import { hostForUrls } from '../../render/endpoints.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import { request } from '../../verify/http.js';

export interface Probe {
  healthy: boolean;
  /** How it was asked, for messages. */
  via: string;
  /** Why it is not healthy, when that is known better than "it does not answer". */
  reason?: string;
}

/** Services whose images carry wget, in the order they are tried: Prometheus, the backend's, Grafana. */
function wgetServices(stack: Stack): string[] {
  const backend = backendOf(stack.backend);
  return [SERVICE_NAMES.prometheus, ...(backend.withWget ?? []), SERVICE_NAMES.grafana];
}

export async function probeCollector(project: ComposeProject): Promise<Probe | undefined> {
  const { stack } = project;
  const fromHost = await probeCollectorFromHost(stack);
  if (fromHost) return fromHost;
  const sibling = wgetServices(stack).find((s) => stack.images[s]);
  if (!sibling) return undefined;
  const url = `http://${SERVICE_NAMES.collector}:${INTERNAL_PORTS.collectorHealth}/`;
  const result = await project.run(['exec', '-T', sibling, 'wget', '-q', '-O', '-', url], { timeout: 5000 });
  return { healthy: result.exitCode === 0, via: `${url} from ${sibling}` };
}

/**
 * Asks through the published health port; undefined when it is not published. Needs no Docker. A healthy
 * answer counts only when OTLP/HTTP answers too (when published without TLS): SigNoz's collector reports
 * healthy long before SigNoz hands it the configuration that opens its receivers.
 */
export async function probeCollectorFromHost(
  stack: Stack,
  host = hostForUrls(stack.exposure.bindAddress),
): Promise<Probe | undefined> {
  const port = stack.exposure.ports.collector.health;
  if (port === false) return undefined;
  const url = `http://${host}:${port}/`;
  // node:http, not fetch: fetch's first use loads undici and compiles its WebAssembly parser, some 60 ms
  // of CPU that up, status and verify would spend on this one question.
  const answers = (target: string) => request(target, { timeoutMs: 2000 }).catch(() => undefined);
  const health = await answers(url);
  if (!health || health.status < 200 || health.status > 299) return { healthy: false, via: url };
  const otlp = stack.exposure.ports.collector.otlpHttp;
  if (otlp === false || stack.tls.enabled) return { healthy: true, via: url };
  // Any HTTP answer (a GET gets 405) shows the receiver listens; without one Docker's proxy just closes.
  const receiver = `http://${host}:${otlp}/v1/traces`;
  if (await answers(receiver)) return { healthy: true, via: url };
  const backend = backendOf(stack.backend);
  const why = backend.ownCollector
    ? `: ${backend.title} has not handed it its configuration yet (OpAMP)`
    : '';
  return {
    healthy: false,
    via: url,
    reason: `its health endpoint answers, but OTLP/HTTP (${receiver}) does not${why}`,
  };
}

/** Polls until healthy or the deadline (ms since epoch) passes. */
export async function waitForCollector(
  project: ComposeProject,
  deadline: number,
  signal?: AbortSignal,
): Promise<Probe | undefined> {
  for (;;) {
    const probe = await probeCollector(project);
    if (!probe || probe.healthy || Date.now() >= deadline || signal?.aborted) return probe;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * `stackgen verify --app <name>`: does this app's telemetry arrive? After the collector's health, each
 * link between the app and the stack, in the order a span takes it: its container runs; it shares a
 * network with the collector; it resolves the collector by name; it carries the OTEL_* variables
 * `stackgen env --app` gives (with the leftovers that silently win over them flagged: a per-signal
 * endpoint, a protocol that does not match the port); the backend has spans of its service name from the
 * last minutes. This separates "the pipeline is broken" from "the app produces no spans".
 */
import { containerIds, execInContainer, inspectContainers } from '../../docker/engine.js';
import { SERVICE_NAMES, type App, type Stack } from '../../model/normalize.js';
import { otelEnvironment } from '../../render/otel-env.js';
import { appUpCommand } from './render.js';
import { serviceSearch } from '../../verify/backends.js';
import { describeNetworkError, request } from '../../verify/http.js';
import type { Outcome } from '../../verify/outcome.js';

export type AppHopId = 'app-container' | 'app-networks' | 'app-dns' | 'app-environment' | 'app-spans';

export const APP_HOPS: Record<AppHopId, { step: number; name: string }> = {
  'app-container': { step: 2, name: 'app container running' },
  'app-networks': { step: 3, name: 'on a network of the collector' },
  'app-dns': { step: 4, name: 'resolves the collector' },
  'app-environment': { step: 5, name: 'OTEL_* variables' },
  'app-spans': { step: 6, name: "the app's spans in the backend" },
};

/** What Docker says of the app's container (docker inspect). */
interface Container {
  Id: string;
  Name: string;
  State: { Status: string; Running: boolean; ExitCode: number };
  Config: { Env: string[] | null };
  NetworkSettings: { Networks: Record<string, unknown> };
}

/** How far back the backend is asked for the app's spans. */
const RECENT_MINUTES = 15;

export async function verifyApp(
  stack: Stack,
  app: App,
  options: { timeoutMs: number; ca: string | undefined },
  record: (id: AppHopId, run: () => Promise<Outcome>) => Promise<Outcome>,
): Promise<void> {
  const skipRest = async (from: AppHopId, why: string) => {
    const ids = Object.keys(APP_HOPS) as AppHopId[];
    for (const id of ids.slice(ids.indexOf(from)))
      await record(id, async () => ({ status: 'skip', detail: why }));
  };
  let container: Container | undefined;
  const found = await record('app-container', async () => {
    const result = await findContainer(stack, app);
    container = result.container;
    return result.outcome;
  });
  if (found.status !== 'pass' || !container) return skipRest('app-networks', 'not run: the app does not run');
  const running = container;
  await record('app-networks', async () => networks(stack, app, running));
  await record('app-dns', async () => resolvesCollector(running));
  await record('app-environment', async () => environment(stack, app, running));
  await record('app-spans', async () => spansOf(stack, serviceNameOf(app, running), options));
}

async function findContainer(stack: Stack, app: App): Promise<{ container?: Container; outcome: Outcome }> {
  const labels = [
    `com.docker.compose.service=${app.service}`,
    ...(app.project ? [`com.docker.compose.project=${app.project}`] : []),
  ];
  const start = appUpCommand(stack, app.composeFile, `apps/${app.name}.override.yaml`);
  // A container removed between the two questions counts as none.
  const containers = await inspectContainers<Container>(await containerIds(labels, { all: true }));
  if (containers.length === 0) {
    return {
      outcome: {
        status: 'fail',
        detail: `no container of ${app.service}${app.project ? ` (compose project ${app.project})` : ''}`,
        hint: `start it with its override file: ${start}`,
      },
    };
  }
  const container = containers.find((c) => c.State.Running) ?? containers[0]!;
  const name = container.Name.replace(/^\//, '');
  if (!container.State.Running) {
    return {
      container,
      outcome: {
        status: 'fail',
        detail: `${name} is ${container.State.Status} (exit code ${container.State.ExitCode})`,
        hint: `its logs say why: docker logs ${name}; then start it: ${start}`,
      },
    };
  }
  return { container, outcome: { status: 'pass', detail: `${name} runs` } };
}

function networks(stack: Stack, app: App, container: Container): Outcome {
  const collectorNetworks = [stack.networks.observability, ...stack.networks.applications.map((n) => n.name)];
  const on = Object.keys(container.NetworkSettings.Networks);
  const shared = on.filter((n) => collectorNetworks.includes(n));
  if (shared.length) return { status: 'pass', detail: `shares ${shared.join(', ')} with the collector` };
  return {
    status: 'fail',
    detail: `${app.service} is on ${on.join(', ') || 'no network'}; the collector is on ${collectorNetworks.join(', ')}`,
    hint: `start it with its override file, which joins it to them: ${appUpCommand(stack, app.composeFile, `apps/${app.name}.override.yaml`)}`,
  };
}

/** Asks the app's container itself, with whatever its image has (getent, nslookup). */
async function resolvesCollector(container: Container): Promise<Outcome> {
  const collector = SERVICE_NAMES.collector;
  const result = await execInContainer(container.Id, `getent hosts ${collector} || nslookup ${collector}`);
  if (result.exitCode === 0) {
    const address = /(\d+\.\d+\.\d+\.\d+)/.exec(
      String(result.stdout)
        .split('\n')
        .filter((l) => !/^(Server|Address: .*#53)/.test(l))
        .join('\n'),
    )?.[1];
    return { status: 'pass', detail: `${collector} is ${address ?? 'resolved'}` };
  }
  // No shell in the image (126/127), or neither tool in it: the image cannot be asked.
  const missing = (tool: string) =>
    new RegExp(`${tool}: (not found|command not found)`).test(String(result.stderr));
  if (result.exitCode === 126 || result.exitCode === 127 || (missing('getent') && missing('nslookup'))) {
    return {
      status: 'skip',
      detail: `cannot be asked: the image has no shell, getent or nslookup; on a shared network Docker's DNS resolves ${collector}`,
    };
  }
  return {
    status: 'fail',
    detail: `${collector} does not resolve in the app's container`,
    hint: "it must share a network with the collector (hop 3); a dns: or network_mode: setting of the app also hides Docker's DNS",
  };
}

function environment(stack: Stack, app: App, container: Container): Outcome {
  const env = Object.fromEntries(
    (container.Config.Env ?? []).map((line) => [
      line.slice(0, line.indexOf('=')),
      line.slice(line.indexOf('=') + 1),
    ]),
  );
  const expected = Object.fromEntries(
    otelEnvironment(stack, { from: 'network', protocol: app.protocol, app }),
  );
  const endpoint = expected.OTEL_EXPORTER_OTLP_ENDPOINT!;
  const problems: string[] = [];
  const fixes: string[] = [];
  const problem = (what: string, fix: string) => {
    problems.push(what);
    fixes.push(fix);
  };
  if (env.OTEL_SDK_DISABLED === 'true')
    problem('OTEL_SDK_DISABLED=true turns the SDK off', 'remove OTEL_SDK_DISABLED');
  if (env.OTEL_TRACES_EXPORTER && !env.OTEL_TRACES_EXPORTER.split(',').includes('otlp'))
    problem(
      `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER} sends no traces over OTLP`,
      'set OTEL_TRACES_EXPORTER=otlp',
    );
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const expectedTraces = app.protocol === 'grpc' ? endpoint : `${endpoint}/v1/traces`;
  if (tracesEndpoint !== undefined && tracesEndpoint !== expectedTraces) {
    problem(
      `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${tracesEndpoint} wins over OTEL_EXPORTER_OTLP_ENDPOINT for traces`,
      'remove OTEL_EXPORTER_OTLP_TRACES_ENDPOINT from the app (its compose file, its image or its code)',
    );
  }
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT !== endpoint) {
    problem(
      env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? 'OTEL_EXPORTER_OTLP_ENDPOINT is not set: the SDK sends to localhost, inside its own container'
        : `OTEL_EXPORTER_OTLP_ENDPOINT is ${env.OTEL_EXPORTER_OTLP_ENDPOINT}, not ${endpoint}`,
      `start it with its override file, which sets ${endpoint}`,
    );
  }
  // The protocol the SDK speaks to the port it sends traces to.
  const effective = tracesEndpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const port = effective ? Number(/:(\d+)(\/|$)/.exec(effective)?.[1]) : undefined;
  const { grpcPort, httpPort } = stack.collector.otlp;
  if (protocol === 'grpc' && port === httpPort)
    problem(
      `the protocol is grpc but ${effective} is the collector's OTLP/HTTP port`,
      `send gRPC to port ${grpcPort}, or set the protocol to http/protobuf`,
    );
  if (protocol?.startsWith('http/') && port === grpcPort)
    problem(
      `the protocol is ${protocol} but ${effective} is the collector's OTLP/gRPC port`,
      `send HTTP to port ${httpPort}, or set the protocol to grpc`,
    );
  if (env.OTEL_SERVICE_NAME !== undefined && env.OTEL_SERVICE_NAME !== app.serviceName)
    problem(
      `OTEL_SERVICE_NAME is ${env.OTEL_SERVICE_NAME}, not ${app.serviceName}: its spans carry that name`,
      `set serviceName: ${env.OTEL_SERVICE_NAME} for the app in ${stack.sourceFile}, or start it with its override file`,
    );
  if (problems.length === 0)
    return { status: 'pass', detail: `as "stackgen env ${stack.name} --app ${app.name}" gives them` };
  return { status: 'fail', detail: problems.join('; '), hint: [...new Set(fixes)].join('; ') };
}

function serviceNameOf(app: App, container: Container): string {
  const line = (container.Config.Env ?? []).find((l) => l.startsWith('OTEL_SERVICE_NAME='));
  return line ? line.slice('OTEL_SERVICE_NAME='.length) : app.serviceName;
}

/** Spans of the service from the last minutes, through the backend's own search API. */
async function spansOf(
  stack: Stack,
  service: string,
  options: { timeoutMs: number; ca: string | undefined },
): Promise<Outcome> {
  const search = await serviceSearch(stack);
  if ('skip' in search) return { status: 'skip', detail: search.skip(service) };
  const now = Date.now();
  const url = search.url(service, now - RECENT_MINUTES * 60_000, now + 60_000);
  const found = search.found;
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    try {
      const response = await request(url, { ca: options.ca, timeoutMs: 5000 });
      if (response.status === 200 && found(response.json))
        return { status: 'pass', detail: `spans of ${service} from the last ${RECENT_MINUTES} minutes` };
      last = response.status === 200 || response.status === 404 ? 'none yet' : `answered ${response.status}`;
    } catch (error) {
      last = describeNetworkError(error);
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return {
    status: 'fail',
    detail: `no spans of ${service} from the last ${RECENT_MINUTES} minutes (${last})`,
    hint: `everything between the app and the collector is in place, so the app sends nothing: is its SDK set up before its own code runs, and does it get requests? ("stackgen verify ${stack.name}" shows that the pipeline itself works)`,
  };
}

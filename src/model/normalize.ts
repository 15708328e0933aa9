/**
 * StackParsed → Stack: applies the defaults that depend on other fields (network names from the stack
 * name, which services run for the backend, host ports) and resolves every image reference, so that the
 * renderer reads one plain, complete object.
 */
import { imageReference } from './images.js';
import { type Backend, type Dashboard, type Signal } from './constants.js';
import type { StackParsed } from './schema.js';
import { sectionDefaults } from './section-defaults.js';
import { rolesFor, servicesFor, type Role } from './services.js';
import { DEFAULT_HOST_PORTS } from './host-ports.js';
import { normalPath } from './normal-path.js';
import { BACKEND_LIST, backendOf, type BackendName, type BackendOf } from '../backends/index.js';
import type { AppFacts } from './app-facts.js';
import { includedServices } from './user-file-checks.js';
import { NO_USER_FILES, type UserFiles } from './user-files.js';
import { tlsPathsOf, type TlsPaths } from './tls.js';
import { memoryLimits } from './memory.js';
import { builtInScrapeJobs, type BuiltInScrapeJob } from './scrape-jobs.js';

export { SERVICE_NAMES, type Role } from './services.js';
export { normalPath };

export type HostPort = number | false;
type Ports<R extends Role> = { [K in keyof (typeof DEFAULT_HOST_PORTS)[R]]: HostPort };

export interface App {
  /** Unique among the stack's apps: names the override file and the app in commands. */
  name: string;
  service: string;
  composeFile: string | undefined;
  /** Application networks (Docker names) the service joins, besides the observability network. */
  networks: string[];
  /** Its networks in its own compose file: keys there, and the names Docker gives them. */
  ownNetworks: string[];
  ownNetworkNames: string[];
  /** Its compose project's name (undefined without a compose file). */
  project: string | undefined;
  protocol: 'grpc' | 'http';
  serviceName: string;
  resourceAttributes: Record<string, string>;
}

export interface StackService {
  name: string;
  image: string;
  oneShot: boolean;
  /** For a service of the user's own compose file (`include`): that file. */
  includedFrom?: string;
}

/** A backend's section as the stack holds it: complete (`complete` in its facts), written or not. */
type BackendSection<N extends BackendName> =
  BackendOf<N> extends { complete(...args: never[]): infer C } ? C : NonNullable<StackParsed[N]>;
export type BackendSections = { [N in BackendName]: BackendSection<N> };

export interface Stack extends BackendSections {
  name: string;
  backend: Backend;
  /** The stack file, relative to the project root, with forward slashes. */
  sourceFile: string;
  /** Output folder, relative to the project root, with forward slashes and no trailing slash. */
  output: string;
  /** Where it runs: one host with Compose, or a Docker Swarm (which adds swarm.yaml). */
  target: StackParsed['target'];
  swarm: StackParsed['swarm'];
  /** The roles that run, in a stable order. */
  components: Role[];
  /** The compose services, in order. */
  services: StackService[];
  collector: StackParsed['collector'] & { signals: Signal[]; spanMetrics: boolean };
  loki: StackParsed['loki'];
  prometheus: StackParsed['prometheus'] & { enabled: boolean };
  grafana: StackParsed['grafana'] & { enabled: boolean; dashboards: Dashboard[] };
  /** With where its files are, relative to the output folder (undefined when TLS is off). */
  tls: NonNullable<StackParsed['tls']> & { paths: TlsPaths | undefined };
  containerLogs: StackParsed['containerLogs'];
  networks: { observability: string; applications: { name: string; external: boolean }[] };
  apps: App[];
  exposure: {
    bindAddress: string;
    ports: { [R in Role]: Ports<R> };
  };
  /** Image reference per compose service name. */
  images: Record<string, string>;
  /** The memory limit of every long-running service, in MiB (model/memory.ts). */
  memoryMiB: Record<string, number>;
  /** Prometheus' own scrape jobs (model/scrape-jobs.ts); the user's are `prometheus.scrapeJobs`. */
  scrapeJobs: BuiltInScrapeJob[];
  /** The registry mirror prefix the default images are pulled through (images.registry). */
  imageRegistry: string | undefined;
  /** What the user adds: their own dashboards, rule files and compose files (read at load), and patches. */
  extensions: UserFiles & {
    patches: StackParsed['patches'];
    /** The services of the included compose files, which run in the stack's project. */
    services: StackService[];
  };
}

export function normalizeStack(
  parsed: StackParsed,
  sourceFile: string,
  appFacts: ReadonlyMap<number, AppFacts> = new Map(),
  userFiles: UserFiles = NO_USER_FILES,
): Stack {
  const backend = backendOf(parsed.backend);
  // A backend with its own UI (SigNoz) has Prometheus and Grafana only when asked for.
  const bundled = !backend.ownUi;
  const prometheus = { ...parsed.prometheus, enabled: parsed.prometheus.enabled ?? bundled };
  const grafana = {
    ...parsed.grafana,
    enabled: parsed.grafana.enabled ?? bundled,
    dashboards:
      parsed.grafana.dashboards ??
      (bundled ? (['red', 'collector'] as Dashboard[]) : (['collector'] as Dashboard[])),
  };
  const components = rolesFor(parsed.backend, {
    // A backend that stores logs itself has no Loki; a rule refuses loki.enabled there.
    loki: parsed.loki.enabled && !backend.storesLogs,
    prometheus: prometheus.enabled,
    grafana: grafana.enabled,
  });
  const applications = parsed.networks.applications ?? [{ name: `${parsed.name}-apps`, external: false }];
  const ports = parsed.exposure.ports;
  const output = normalPath(parsed.output ?? `deploy/${parsed.name}`);
  const defaults = sectionDefaults();
  // Every backend's section, complete, whichever runs: the views of all of them are made.
  const sections = Object.fromEntries(
    BACKEND_LIST.map((b) => {
      const section = parsed[b.name as BackendName] ?? defaults[b.name as BackendName];
      return [b.name, b.complete ? b.complete(section, parsed) : section];
    }),
  ) as BackendSections;
  const specs = servicesFor(components, sections);
  const { versions, registry, overrides } = parsed.images;
  const own = (spec: (typeof specs)[number]) =>
    overrides[spec.name] ?? imageReference(spec.image, versions[spec.image], registry, undefined);
  const images: Record<string, string> = {};
  // A service sharing another's image (a migrator, an init step) follows that service's override.
  for (const spec of specs) if (!spec.sameImageAs) images[spec.name] = own(spec);
  for (const spec of specs)
    if (spec.sameImageAs) images[spec.name] = overrides[spec.name] ?? images[spec.sameImageAs]!;
  const services = specs.map((spec) => ({
    name: spec.name,
    image: images[spec.name]!,
    oneShot: spec.oneShot,
  }));
  const stack: Omit<Stack, 'memoryMiB' | 'scrapeJobs'> = {
    name: parsed.name,
    backend: parsed.backend,
    sourceFile,
    output,
    target: parsed.target,
    swarm: parsed.swarm,
    components,
    services,
    // Signals in a fixed order, whatever order the user listed them in.
    collector: {
      ...parsed.collector,
      // SigNoz and Loki store logs; without either they are off unless asked for.
      signals: SIGNAL_ORDER.filter((s) =>
        (
          parsed.collector.signals ??
          (backend.storesLogs || parsed.loki.enabled ? SIGNAL_ORDER : ['traces', 'metrics'])
        ).includes(s),
      ),
      // A backend that derives them itself (Tempo's metrics generator) makes them; twice would double every count.
      spanMetrics: parsed.collector.spanMetrics ?? !backend.spanMetrics,
    },
    ...sections,
    loki: parsed.loki,
    prometheus,
    grafana,
    tls: normalTls(parsed.tls ?? defaults.tls, output, components),
    containerLogs: parsed.containerLogs,
    networks: { observability: parsed.networks.observability.name ?? `${parsed.name}-net`, applications },
    apps: parsed.apps.map((app, index) => ({
      name: app.name ?? app.service,
      service: app.service,
      composeFile: app.composeFile === undefined ? undefined : normalPath(app.composeFile),
      networks: app.networks ?? applications.map((n) => n.name),
      ownNetworks: appFacts.get(index)?.ownNetworks ?? ['default'],
      ownNetworkNames: appFacts.get(index)?.ownNetworkNames ?? [],
      project: appFacts.get(index)?.project,
      protocol: app.protocol,
      serviceName: app.serviceName ?? app.service,
      resourceAttributes: app.resourceAttributes,
    })),
    exposure: {
      bindAddress: canonicalAddress(parsed.exposure.bindAddress),
      ports: Object.fromEntries(
        Object.entries(DEFAULT_HOST_PORTS).map(([role, defaults]) => [
          role,
          { ...defaults, ...ports[role as Role] },
        ]),
      ) as Stack['exposure']['ports'],
    },
    images,
    imageRegistry: registry?.replace(/\/+$/, ''),
    extensions: {
      ...userFiles,
      patches: parsed.patches,
      services: userFiles.includes.flatMap((file) =>
        includedServices(file).map((s) => ({
          name: s.name,
          image: s.image ?? `(built, ${file.path})`,
          oneShot: false,
          includedFrom: file.path,
        })),
      ),
    },
  };
  // Facts several parts read, worked out once.
  return { ...stack, memoryMiB: memoryLimits(stack), scrapeJobs: builtInScrapeJobs(stack) };
}

const SIGNAL_ORDER: Signal[] = ['traces', 'metrics', 'logs'];

/** Every service compose runs for the stack: its own, then those of the included compose files. */
export function projectServices(stack: Stack): StackService[] {
  return [...stack.services, ...stack.extensions.services];
}

function normalTls(tls: NonNullable<StackParsed['tls']>, output: string, components: Role[]): Stack['tls'] {
  const files = tls.files;
  const pair = (p: { cert: string; key: string }) => ({ cert: normalPath(p.cert), key: normalPath(p.key) });
  const normal = files
    ? {
        ...tls,
        files: {
          ca: normalPath(files.ca),
          collector: pair(files.collector),
          ...Object.fromEntries(
            BACKEND_LIST.flatMap((b) => {
              const own = files[b.name as BackendName];
              return own ? [[b.name, pair(own)]] : [];
            }),
          ),
          ...(files.loki ? { loki: pair(files.loki) } : {}),
        },
      }
    : tls;
  return { ...normal, paths: tlsPathsOf(normal, output, components) };
}

/** IPv6 addresses in their canonical short form (`0:0::0` is `::`), so checks see one spelling. */
export function canonicalAddress(address: string): string {
  return address.includes(':') ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

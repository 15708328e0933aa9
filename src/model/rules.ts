/**
 * Cross-field rules: what a single field's schema cannot see. Each rule is small and named; all of them
 * run and report every problem, so a user fixes a stack file in one pass.
 */
import { closest, distance } from 'fastest-levenshtein';
import path from 'node:path';
import type { Stack } from './normalize.js';
import { SERVICE_NAMES } from './services.js';
import { BACKENDS, PER_PROCESS_ATTRIBUTES } from './constants.js';
import { BACKEND_LIST, backendOf, type BackendName } from '../backends/index.js';
import type { StackParsed } from './schema.js';
import { sectionDefaults } from './section-defaults.js';
import { listed } from '../prose.js';
import { atLeast, version } from './versions.js';

export type FieldPath = (string | number)[];

export interface RuleIssue {
  path: FieldPath;
  message: string;
  severity: 'error' | 'warning';
}

export interface RuleContext {
  stack: Stack;
  parsed: StackParsed;
  error(path: FieldPath, message: string): void;
  warn(path: FieldPath, message: string): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Backend settings only mean something for their backend. */
const backendSectionMatches: Rule = ({ stack, parsed, error }) => {
  for (const backend of BACKENDS) {
    if (stack.backend !== backend && parsed[backend] !== undefined) {
      error([backend], `applies to the ${backend} backend only (backend: ${stack.backend})`);
    }
  }
};

const outputInsideProject: Rule = ({ stack, error }) => {
  const out = stack.output;
  if (path.posix.isAbsolute(out) || /^[A-Za-z]:/.test(out)) {
    error(['output'], `must be relative to the project root, got "${out}"`);
  } else if (out === '' || out === '.' || out.split('/').includes('..')) {
    error(['output'], `must be a folder inside the project root, got "${out}"`);
  } else if (
    out === 'stacks' ||
    out.startsWith('stacks/') ||
    out === 'node_modules' ||
    out.startsWith('.git')
  ) {
    error(['output'], `"${out}" is reserved; use a folder of its own such as deploy/${stack.name}`);
  }
};

const tracesAccepted: Rule = ({ stack, error }) => {
  if (!stack.collector.signals.includes('traces')) {
    error(['collector', 'signals'], `must include traces: the ${stack.backend} stack is built around them`);
  }
};

const uniqueLists: Rule = ({ parsed, error }) => {
  const check = (list: readonly unknown[], at: FieldPath, what: string) => {
    list.forEach((item, i) => {
      if (list.indexOf(item) !== i) error([...at, i], `${what} "${String(item)}" is listed twice`);
    });
  };
  check(parsed.collector.signals ?? [], ['collector', 'signals'], 'signal');
  check(parsed.grafana.dashboards ?? [], ['grafana', 'dashboards'], 'dashboard');
  parsed.apps.forEach((app, i) => check(app.networks ?? [], ['apps', i, 'networks'], 'network'));
};

/** What only the stack's backend asks of the rest (src/backends/<name>/rules.ts). */
const backendRules: Rule = (ctx) => {
  for (const rule of backendOf(ctx.stack.backend).rules ?? []) rule(ctx);
};

/** Where a signal has nowhere to go, say so before the user wonders where it went. */
const signalsHaveADestination: Rule = ({ stack, error, warn }) => {
  const { signals, spanMetrics } = stack.collector;
  const prometheus = stack.prometheus.enabled;
  // A backend's own collector (SigNoz's) keeps every signal itself: its rules say what it needs.
  if (backendOf(stack.backend).ownCollector) return;
  if (spanMetrics && !prometheus) {
    error(
      ['collector', 'spanMetrics'],
      'needs prometheus.enabled: span metrics are exported for Prometheus to scrape',
    );
  }
  if (signals.includes('metrics') && !prometheus) {
    error(
      ['collector', 'signals'],
      `metrics need prometheus.enabled: the ${stack.backend} backend stores no metrics`,
    );
  }
  const loki = stack.components.includes('loki');
  if (signals.includes('logs') && !loki) {
    warn(
      ['collector', 'signals'],
      `the ${stack.backend} stack stores no logs: the collector accepts them and only writes a summary to its own log (loki.enabled: true stores them)`,
    );
  }
  if (loki && !signals.includes('logs')) {
    error(
      ['collector', 'signals'],
      'needs logs with loki.enabled: the collector sends Loki the logs it accepts',
    );
  }
};

/** Loki beside the backends that keep no logs (Jaeger, Tempo); SigNoz keeps them in its own ClickHouse. */
const lokiFits: Rule = ({ stack, parsed, error, warn }) => {
  if (!parsed.loki.enabled) return;
  const backend = backendOf(stack.backend);
  if (backend.storesLogs) {
    const others = BACKEND_LIST.filter((b) => !b.storesLogs).map((b) => b.name);
    error(
      ['loki', 'enabled'],
      `applies to the ${listed(others)} backends: ${backend.title} ${backend.storesLogs}`,
    );
    return;
  }
  parsed.loki.indexLabels.forEach((label, i) => {
    if (PER_PROCESS_ATTRIBUTES.includes(label))
      warn(
        ['loki', 'indexLabels', i],
        `"${label}" changes with every process, pod or container: as a label it makes a stream each, which slows Loki; it stays searchable as structured metadata without it`,
      );
    if (parsed.loki.indexLabels.indexOf(label) !== i)
      error(['loki', 'indexLabels', i], `"${label}" is listed twice`);
  });
};

/** What swarm.yaml can carry so far, and the exposure a cluster gets. */
const swarmFits: Rule = ({ stack, parsed, error, warn }) => {
  if (stack.target !== 'swarm') {
    if (parsed.swarm && JSON.stringify(parsed.swarm) !== JSON.stringify(sectionDefaults().swarm))
      warn(['swarm'], 'has no effect with target: compose');
    return;
  }
  const { publish, endpointMode } = stack.swarm;
  if (publish === 'ingress' && endpointMode === 'dnsrr') {
    error(
      ['swarm', 'publish'],
      'ingress needs swarm.endpointMode: vip (Swarm refuses ingress ports with dnsrr)',
    );
  } else if (publish !== 'none') {
    warn(
      ['swarm', 'publish'],
      `${publish === 'host' ? 'publishes each port on the node running the task' : 'publishes every port on every node'}, on all of its addresses: Swarm cannot bind one address such as 127.0.0.1, so firewall the nodes, or use none and reach the stack over its overlay networks`,
    );
  }
};

const dashboardsHaveData: Rule = ({ stack, error }) => {
  // A backend with its own UI (SigNoz) says what Grafana may show beside it, in its rules.
  if (!stack.grafana.enabled || backendOf(stack.backend).ownUi) return;
  stack.grafana.dashboards.forEach((dashboard, i) => {
    if (!stack.prometheus.enabled) {
      error(['grafana', 'dashboards', i], `"${dashboard}" reads Prometheus, which is disabled`);
    } else if (dashboard === 'red' && !hasRedMetrics(stack)) {
      const own = backendOf(stack.backend).spanMetricsKey;
      const where = own ? `${own} or collector.spanMetrics` : 'collector.spanMetrics';
      error(['grafana', 'dashboards', i], `"red" is drawn from span metrics: set ${where} to true`);
    }
  });
};

function hasRedMetrics(stack: Stack): boolean {
  const backend = backendOf(stack.backend);
  return stack.collector.spanMetrics || Boolean(backend.spanMetrics?.(stack[stack.backend]));
}

/** Retention is set in prometheus.yml (storage.tsdb.retention), which Prometheus reads right from 3.11. */
const prometheusReadsRetention: Rule = ({ stack, parsed, error }) => {
  if (!stack.prometheus.enabled) return;
  const pinned = version(parsed.images.versions.prometheus);
  if (pinned && !atLeast(pinned, [3, 11, 0])) {
    error(
      ['images', 'versions', 'prometheus'],
      `stackgen sets retention in prometheus.yml (storage.tsdb.retention.time), which Prometheus reads from v3.8 and reads right from v3.11; pin v3.11.0 or later`,
    );
  }
};

/** TLS files: all of them or none, only for what runs, inside the project; insecureSkipVerify is flagged. */
const tlsConsistent: Rule = ({ stack, parsed, error, warn }) => {
  const tls = parsed.tls;
  if (!tls) return;
  const files = stack.tls.files;
  const named: [FieldPath, string | undefined][] = [
    [['tls', 'files', 'ca'], files?.ca],
    [['tls', 'files', 'collector', 'cert'], files?.collector.cert],
    [['tls', 'files', 'collector', 'key'], files?.collector.key],
    ...BACKEND_LIST.flatMap((b): [FieldPath, string | undefined][] => [
      [['tls', 'files', b.name, 'cert'], files?.[b.name as BackendName]?.cert],
      [['tls', 'files', b.name, 'key'], files?.[b.name as BackendName]?.key],
    ]),
    [['tls', 'files', 'loki', 'cert'], files?.loki?.cert],
    [['tls', 'files', 'loki', 'key'], files?.loki?.key],
  ];
  for (const [at, file] of named) {
    if (file !== undefined && (file === '..' || file.startsWith('../') || file.startsWith('/'))) {
      error(at, `must be inside the project (compose mounts it from there), got "${file}"`);
    }
  }
  if (!tls.enabled && (tls.files || tls.insecureSkipVerify)) {
    warn(['tls', 'enabled'], 'is false, so the other TLS settings have no effect');
    return;
  }
  const backend = backendOf(stack.backend);
  if (tls.files && backend.tlsServer && !tls.files[stack.backend]) {
    error(
      ['tls', 'files'],
      `needs ${stack.backend}: { cert, key } too: with TLS on, ${backend.title}'s endpoints use it`,
    );
  }
  for (const other of BACKENDS) {
    if (tls.files?.[other] && other !== stack.backend)
      error(['tls', 'files', other], `applies to the ${other} backend only (backend: ${stack.backend})`);
  }
  const loki = stack.components.includes('loki');
  if (tls.files && loki && !tls.files.loki) {
    error(['tls', 'files'], "needs loki: { cert, key } too: with TLS on, Loki's endpoints use it");
  }
  if (tls.files?.loki && !loki) {
    error(['tls', 'files', 'loki'], 'applies only with loki.enabled');
  }
  if (tls.enabled && tls.insecureSkipVerify) {
    warn(
      ['tls', 'insecureSkipVerify'],
      'clients in the stack accept any certificate, so TLS no longer proves who answers; use it only to debug',
    );
  }
};

/** Every published host port is taken once, and only components that run publish ports. */
const hostPortsDistinct: Rule = ({ stack, parsed, error }) => {
  const seen = new Map<number, string>();
  for (const [component, ports] of Object.entries(stack.exposure.ports)) {
    const runs = stack.components.includes(component as (typeof stack.components)[number]);
    const written = parsed.exposure.ports[component as keyof typeof parsed.exposure.ports];
    if (!runs) {
      if (written) error(['exposure', 'ports', component], notRunning(stack, component));
      continue;
    }
    for (const [name, port] of Object.entries(ports)) {
      if (port === false) continue;
      const field = `exposure.ports.${component}.${name}`;
      const other = seen.get(port);
      if (other)
        error(['exposure', 'ports', component, name], `host port ${port} is already used by ${other}`);
      else seen.set(port, field);
    }
  }
};

function notRunning(stack: Stack, component: string): string {
  if (component === 'prometheus' || component === 'grafana' || component === 'loki')
    return `${component} is disabled in this stack`;
  return `the stack has no ${component} (backend: ${stack.backend})`;
}

/** Every spelling of "all interfaces" (IPv6 ones are canonical here: `0::0` is `::`). */
export const ALL_INTERFACES = ['0.0.0.0', '::', '::ffff:0:0'];

const exposureIsIntended: Rule = ({ stack, parsed, warn }) => {
  const address = stack.exposure.bindAddress;
  if (ALL_INTERFACES.includes(address)) {
    const docker = address === '0.0.0.0' ? '' : ' (Docker then listens on [::], IPv4 included)';
    warn(
      ['exposure', 'bindAddress'],
      `${parsed.exposure.bindAddress} publishes the collector and the UIs to every network this host is on${docker}; use 127.0.0.1 unless that is intended`,
    );
  }
};

const networkNamesDistinct: Rule = ({ stack, parsed, error }) => {
  const names = [stack.networks.observability, ...stack.networks.applications.map((n) => n.name)];
  const paths: FieldPath[] = [
    ['networks', 'observability', 'name'],
    ...stack.networks.applications.map((_, i): FieldPath => ['networks', 'applications', i, 'name']),
  ];
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first !== i) error(paths[i]!, `network name "${name}" is already used by ${paths[first]!.join('.')}`);
  });
  if (parsed.networks.applications?.length === 0) {
    error(
      ['networks', 'applications'],
      'needs at least one network for your applications to reach the collector',
    );
  }
};

const appsReferToDeclaredNetworks: Rule = ({ stack, parsed, error }) => {
  const declared = stack.networks.applications.map((n) => n.name);
  parsed.apps.forEach((app, i) => {
    (app.networks ?? []).forEach((name, j) => {
      if (declared.includes(name)) return;
      const hint =
        name === stack.networks.observability
          ? ' (every app joins the observability network already)'
          : didYouMean(name, declared);
      error(
        ['apps', i, 'networks', j],
        `"${name}" is not an application network (declared: ${declared.join(', ')})${hint}`,
      );
    });
  });
};

const appsDistinct: Rule = ({ stack, parsed, error }) => {
  // Each app has its override file apps/<name>.override.yaml and is named so in `stackgen env --app`.
  const names = stack.apps.map((a) => a.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) === i) return;
    const named = parsed.apps[i]!.name !== undefined;
    error(
      ['apps', i, named ? 'name' : 'service'],
      named
        ? `app name "${name}" is used twice`
        : `app "${name}" is listed twice; to connect it from two compose files, give each entry a name of its own`,
    );
  });
  const services = new Set<string>(Object.values(SERVICE_NAMES));
  stack.apps.forEach((app, i) => {
    if (services.has(app.service)) {
      error(
        ['apps', i, 'service'],
        `"${app.service}" is the name of a stack service; apps need names of their own`,
      );
    }
  });
};

/** OTEL_SERVICE_NAME wins over a service.name attribute, so one set in both places would be silently lost. */
const serviceNameSetOnce: Rule = ({ stack, error }) => {
  stack.apps.forEach((app, i) => {
    if ('service.name' in app.resourceAttributes) {
      error(
        ['apps', i, 'resourceAttributes', 'service.name'],
        'set the service name with serviceName instead',
      );
    }
  });
};

const scrapeJobsResolve: Rule = ({ stack, parsed, error, warn }) => {
  const builtIn = stack.scrapeJobs.map((j) => j.name);
  const names: string[] = [];
  const apps = stack.apps.map((a) => a.name);
  parsed.prometheus.scrapeJobs.forEach((job, i) => {
    const at: FieldPath = ['prometheus', 'scrapeJobs', i];
    if (builtIn.includes(job.name))
      error([...at, 'name'], `"${job.name}" is a built-in job (${builtIn.join(', ')})`);
    else if (names.includes(job.name)) error([...at, 'name'], `job "${job.name}" is defined twice`);
    names.push(job.name);
    (job.targets ?? []).forEach((target, j) => {
      if (/^(localhost|127\.0\.0\.1):/.test(target)) {
        warn(
          [...at, 'targets', j],
          `${target} is Prometheus' own container; for a program on this machine write host.docker.internal:${target.split(':')[1]} (and have it listen on 0.0.0.0)`,
        );
      }
    });
    if ((job.app === undefined) === (job.targets === undefined)) {
      error(at, 'needs either app (with port) or targets');
    }
    if (job.app !== undefined) {
      if (!apps.includes(job.app)) {
        error([...at, 'app'], `no app named "${job.app}" in apps${didYouMean(job.app, apps)}`);
      }
      if (job.port === undefined) error([...at, 'app'], `needs port: the port ${job.app} serves metrics on`);
    } else if (job.port !== undefined) {
      error([...at, 'port'], 'is only used with app; put the port in each of targets instead');
    }
  });
};

/** User files only mean something where their reader runs. */
const extensionsHaveAReader: Rule = ({ stack, parsed, error }) => {
  if (parsed.grafana.extraDashboards.length && !stack.grafana.enabled) {
    error(['grafana', 'extraDashboards'], 'needs grafana.enabled: Grafana shows these dashboards');
  }
  if (parsed.prometheus.ruleFiles.length && !stack.prometheus.enabled) {
    error(['prometheus', 'ruleFiles'], 'needs prometheus.enabled: Prometheus evaluates these rules');
  }
};

const imageOverridesResolve: Rule = ({ stack, parsed, error }) => {
  const services = Object.keys(stack.images);
  for (const service of Object.keys(parsed.images.overrides)) {
    if (!services.includes(service)) {
      error(
        ['images', 'overrides', service],
        `no service "${service}" in this stack (services: ${services.join(', ')})${didYouMean(service, services)}`,
      );
    }
  }
};

export function didYouMean(value: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(value, candidates as string[]);
  const limit = Math.max(2, Math.floor(best.length / 3));
  return distance(value.toLowerCase(), best.toLowerCase()) <= limit ? ` (did you mean "${best}"?)` : '';
}

const RULES: Rule[] = [
  backendSectionMatches,
  outputInsideProject,
  tracesAccepted,
  uniqueLists,
  signalsHaveADestination,
  backendRules,
  lokiFits,
  swarmFits,
  dashboardsHaveData,
  hostPortsDistinct,
  tlsConsistent,
  prometheusReadsRetention,
  exposureIsIntended,
  networkNamesDistinct,
  appsReferToDeclaredNetworks,
  appsDistinct,
  serviceNameSetOnce,
  scrapeJobsResolve,
  imageOverridesResolve,
  extensionsHaveAReader,
];

export function checkRules(stack: Stack, parsed: StackParsed): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const ctx: RuleContext = {
    stack,
    parsed,
    error: (path, message) => issues.push({ path, message, severity: 'error' }),
    warn: (path, message) => issues.push({ path, message, severity: 'warning' }),
  };
  for (const rule of RULES) rule(ctx);
  return issues;
}

/**
 * Checks of the user's own files (read by user-files.ts) against the stack they join: each problem located
 * in the user's file, at line and column, so it reads like any stack file error. Pure.
 */
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LineCounter, parseDocument } from 'yaml';
import type { Issue } from '../errors.js';
import { dashboardUid, stackDatasources } from '../components/grafana/datasources.js';
import { locate, type Source } from './locate.js';
import type { Stack } from './normalize.js';
import { didYouMean } from './rules.js';
import type { UserFile } from './user-files.js';
import type { PathIssue } from './validate.js';

export function checkUserFiles(stack: Stack): Issue[] {
  return [
    ...checkDashboards(stack),
    ...stack.extensions.ruleFiles.flatMap((s) => s.files.flatMap(ruleFileIssues)),
    ...checkIncludes(stack),
  ];
}

/** The text of a user file parsed with positions, or the issue that it does not parse. */
function parsed(file: UserFile): { source: Source; value: unknown } | Issue {
  const lines = new LineCounter();
  const doc = parseDocument(file.content, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    return {
      file: file.path,
      line: pos?.line,
      col: pos?.col,
      path: '',
      message: `does not parse: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      severity: 'error',
    };
  }
  return { source: { file: file.path, doc, lines }, value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Strict JSON (no comments, no trailing commas): the first error at its line and column. */
function jsonProblem(file: UserFile): Issue | undefined {
  const errors: ParseError[] = [];
  parseJson(file.content, errors, { disallowComments: true, allowTrailingComma: false });
  const error = errors[0];
  if (!error) return undefined;
  const before = file.content.slice(0, error.offset).split('\n');
  const words = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return {
    file: file.path,
    line: before.length,
    col: before.at(-1)!.length + 1,
    path: '',
    message: `is not valid JSON: ${words}`,
    severity: 'error',
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Datasource references Grafana resolves by itself, whatever the stack provisions. */
const BUILT_IN_DATASOURCES = ['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana'];

function checkDashboards(stack: Stack): Issue[] {
  const issues: Issue[] = [];
  const datasources = stackDatasources(stack);
  const known = [...datasources.flatMap((d) => [d.uid, d.name]), ...BUILT_IN_DATASOURCES];
  const listed = datasources.map((d) => `${d.name} (uid ${d.uid})`).join(', ');
  const uids = new Map<string, string>(
    stack.grafana.dashboards.map((d) => [dashboardUid(stack.name, d), `the built-in "${d}" dashboard`]),
  );
  for (const file of stack.extensions.dashboards.flatMap((d) => d.files)) {
    const invalid = jsonProblem(file);
    if (invalid) {
      issues.push(invalid);
      continue;
    }
    const result = parsed(file);
    if ('severity' in result) {
      issues.push(result);
      continue;
    }
    const { source, value: dashboard } = result;
    const issue = (path: (string | number)[], message: string, severity: Issue['severity'] = 'error') =>
      issues.push(locate(source, { path, message, severity }));
    if (!isObject(dashboard) || (!Array.isArray(dashboard.panels) && !Array.isArray(dashboard.rows))) {
      const wrapped = isObject(dashboard) && isObject(dashboard.dashboard);
      issue(
        wrapped ? ['dashboard'] : [],
        wrapped
          ? 'is a dashboard wrapped as Grafana\'s HTTP API returns it ({"dashboard": …, "meta": …}); save the object under "dashboard" on its own'
          : 'is not a Grafana dashboard (a JSON object with "panels")',
      );
      continue;
    }
    if (typeof dashboard.title !== 'string' || dashboard.title === '')
      issue(['title'], 'is missing: a dashboard needs a title');
    if (dashboard.__inputs !== undefined) {
      issue(
        ['__inputs'],
        'the dashboard was exported "for sharing externally": its ${DS_…} placeholders are filled by Grafana\'s import dialog, never by provisioning. Export it again without that option, or set each datasource to one of the stack\'s: ' +
          listed,
      );
    }
    const uid = dashboard.uid;
    if (uid === undefined || uid === null) {
      issue(
        [],
        'has no uid: Grafana then gives it a new one at every start, and links to it break; set "uid"',
        'warning',
      );
    } else if (typeof uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(uid)) {
      issue(['uid'], 'expected at most 40 letters, digits, "_" and "-"');
    } else if (uids.has(uid)) {
      issue(['uid'], `"${uid}" is also the uid of ${uids.get(uid)}; Grafana would show only one of them`);
    } else uids.set(uid, file.path);
    const variables = new Set(
      (isObject(dashboard.templating) && Array.isArray(dashboard.templating.list)
        ? dashboard.templating.list
        : []
      )
        .filter(isObject)
        .map((v) => String(v.name)),
    );
    walkDatasources(dashboard, [], (at, reference) => {
      const named = typeof reference === 'string' ? reference : reference.uid;
      if (named === undefined || named === null) return;
      if (typeof named !== 'string') return issue(at, 'expected a datasource uid or name');
      const variable = /^\$\{?([A-Za-z0-9_]+)/.exec(named)?.[1];
      if (variable?.startsWith('DS_') && !variables.has(variable)) {
        return issue(
          at,
          `"${named}" is a placeholder of a dashboard exported for sharing; use one of the stack's datasources: ${listed}`,
        );
      }
      if (variable !== undefined || known.includes(named)) return;
      issue(at, `"${named}" is not a datasource of this stack (${listed})${didYouMean(named, known)}`);
    });
  }
  return issues;
}

/** Calls `found` for every `datasource` reference, at its path (for an object, at its uid). */
function walkDatasources(
  node: unknown,
  at: (string | number)[],
  found: (at: (string | number)[], reference: string | { uid?: unknown }) => void,
): void {
  if (Array.isArray(node)) node.forEach((item, i) => walkDatasources(item, [...at, i], found));
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'datasource' && typeof value === 'string') found([...at, key], value);
    else if (key === 'datasource' && isObject(value)) found([...at, key, 'uid'], value as { uid?: unknown });
    else walkDatasources(value, [...at, key], found);
  }
}

function ruleFileIssues(file: UserFile): Issue[] {
  const result = parsed(file);
  if ('severity' in result) return [result];
  const { source, value } = result;
  const problems: PathIssue[] = [];
  const problem = (path: (string | number)[], message: string) =>
    problems.push({ path, message, severity: 'error' });
  if (!isObject(value) || !Array.isArray(value.groups)) {
    problem(
      isObject(value) ? ['groups'] : [],
      'a Prometheus rule file needs "groups:", a list of rule groups',
    );
    return problems.map((p) => locate(source, p));
  }
  const names = new Set<string>();
  value.groups.forEach((group, g) => {
    if (!isObject(group)) return problem(['groups', g], 'expected a rule group (name, rules)');
    if (typeof group.name !== 'string' || group.name === '') problem(['groups', g, 'name'], 'is missing');
    else if (names.has(group.name))
      problem(['groups', g, 'name'], `"${group.name}" is used by another group of this file`);
    else names.add(group.name);
    if (!Array.isArray(group.rules)) return problem(['groups', g, 'rules'], 'expected a list of rules');
    group.rules.forEach((rule, r) => {
      const at = ['groups', g, 'rules', r];
      if (!isObject(rule)) return problem(at, 'expected a rule (alert or record, and expr)');
      if ((typeof rule.alert === 'string') === (typeof rule.record === 'string'))
        problem(at, 'needs either alert (an alerting rule) or record (a recording rule)');
      if (typeof rule.expr !== 'string' && typeof rule.expr !== 'number')
        problem([...at, 'expr'], 'is missing: the PromQL expression');
    });
  });
  return problems.map((p) => locate(source, p));
}

/** A service of an included compose file: its image (or none, when it is built) and its networks. */
export interface IncludedService {
  name: string;
  image: string | undefined;
  /** The networks it names; null when it names none (it is on the project's default network). */
  networks: string[] | null;
}

/** The services of an included compose file. */
export function includedServices(file: UserFile): IncludedService[] {
  const result = parsed(file);
  const services = 'severity' in result || !isObject(result.value) ? undefined : result.value.services;
  if (!isObject(services)) return [];
  return Object.entries(services).map(([name, service]) => {
    const networks = isObject(service) ? service.networks : undefined;
    return {
      name,
      image: isObject(service) && typeof service.image === 'string' ? service.image : undefined,
      networks: Array.isArray(networks)
        ? networks.map(String)
        : isObject(networks)
          ? Object.keys(networks)
          : null,
    };
  });
}

function checkIncludes(stack: Stack): Issue[] {
  const issues: Issue[] = [];
  const stackNetworks = [stack.networks.observability, ...stack.networks.applications.map((n) => n.name)];
  const taken = new Map<string, string>(stack.services.map((s) => [s.name, 'a service of the stack']));
  for (const file of stack.extensions.includes) {
    const result = parsed(file);
    if ('severity' in result) {
      issues.push(result);
      continue;
    }
    const { source, value } = result;
    const issue = (path: (string | number)[], message: string, severity: Issue['severity'] = 'error') =>
      issues.push(locate(source, { path, message, severity, at: 'key' }));
    if (!isObject(value) || !isObject(value.services) || Object.keys(value.services).length === 0) {
      issue([], 'is not a compose file with services');
      continue;
    }
    if (stack.target === 'swarm') swarmIncludeProblems(value, issue);
    const own = isObject(value.networks) ? Object.keys(value.networks) : [];
    for (const { name: service, networks } of includedServices(file)) {
      const other = taken.get(service);
      if (other) issue(['services', service], `"${service}" is ${other}; name yours differently`);
      taken.set(service, `a service of ${file.path}`);
      if (networks === null) {
        issue(
          ['services', service],
          `${service} is on no network of the stack, so it cannot reach the collector or Prometheus by name; add networks: [${stack.networks.observability}]`,
          'warning',
        );
        continue;
      }
      networks.forEach((network, i) => {
        if (stackNetworks.includes(network) || own.includes(network) || network === 'default') return;
        issues.push(
          locate(source, {
            path: ['services', service, 'networks', i],
            message: `"${network}" is neither a network of the stack (${stackNetworks.join(', ')}) nor one this file declares${didYouMean(network, stackNetworks)}`,
            severity: 'error',
          }),
        );
      });
    }
  }
  return issues;
}

/**
 * What `docker stack deploy` cannot take from an included compose file. It deploys the file beside
 * swarm.yaml (`-c`), so it reads every relative path in it from the stack's output folder, not from the
 * file's own; and a task runs on any node, where a path of this machine does not exist.
 */
function swarmIncludeProblems(
  value: Record<string, unknown>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const isHostPath = (source: string) => /^[./~]/.test(source);
  for (const [name, service] of Object.entries(value.services as Record<string, unknown>)) {
    if (!isObject(service)) continue;
    if (service.build !== undefined && typeof service.image !== 'string') {
      issue(
        ['services', name, 'build'],
        'cannot be built on a Swarm (target: swarm): build and push the image to a registry the nodes reach (or load it on each node), and name it in image',
      );
    }
    if (service.env_file !== undefined) {
      issue(
        ['services', name, 'env_file'],
        "is read from the stack's output folder by docker stack deploy, not from this file's (target: swarm): put the variables under environment",
      );
    }
    const volumes = Array.isArray(service.volumes) ? service.volumes : [];
    volumes.forEach((volume, i) => {
      const source =
        typeof volume === 'string' ? volume.split(':')[0]! : isObject(volume) ? volume.source : '';
      const bind = isObject(volume) ? volume.type === 'bind' : isHostPath(String(source));
      if (bind) {
        issue(
          ['services', name, 'volumes', i],
          'is a folder of this machine, which the nodes of a Swarm do not have (target: swarm): use a named volume, or a Swarm config for a file',
        );
      }
    });
  }
  for (const kind of ['configs', 'secrets'] as const) {
    const objects = isObject(value[kind]) ? value[kind] : {};
    for (const [name, object] of Object.entries(objects)) {
      if (isObject(object) && typeof object.file === 'string' && !object.file.startsWith('/')) {
        issue(
          [kind, name, 'file'],
          "is read from the stack's output folder by docker stack deploy, not from this file's (target: swarm): create it with docker " +
            `${kind.slice(0, -1)} create and mark it external: true`,
        );
      }
    }
  }
}

/**
 * What an app's own compose file says, read at load: that the service is there, the networks it is on
 * (the override must repeat them: compose replaces a service's network list rather than merging it with
 * the implicit default network), and the names Docker gives that file's networks.
 *
 * The compose network-name trap: a network declared `app-network: {}` (no `name:`) is created by Docker as
 * `<project>_app-network`, the project being the file's top-level `name:`, COMPOSE_PROJECT_NAME (from the
 * environment or the project's .env) or its folder's name. A stack that joins a literal `app-network`
 * would be on another network than the app; stackgen finds this and says exactly what to write.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { didYouMean } from './rules.js';
import type { StackParsed } from './schema.js';
import type { PathIssue } from './validate.js';

export interface AppFacts {
  /** Networks the service is on in its own project, by their keys in its file. */
  ownNetworks: string[];
  /** The Docker names of those networks (the same order). */
  ownNetworkNames: string[];
  /** The app's compose project name, as compose derives it. */
  project: string;
}

/** The Docker names of the networks of one compose file: key → name. */
export interface ComposeNetworks {
  file: string;
  project: string;
  names: Map<string, string>;
}

type Record_ = Record<string, unknown>;
const isObject = (v: unknown): v is Record_ => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function readAppFacts(
  root: string,
  parsed: StackParsed,
): Promise<{ facts: Map<number, AppFacts>; issues: PathIssue[]; composeNetworks: ComposeNetworks[] }> {
  const facts = new Map<number, AppFacts>();
  const issues: PathIssue[] = [];
  const composeNetworks = new Map<string, ComposeNetworks>();
  const stackNetworks = parsed.networks.applications ?? [{ name: `${parsed.name}-apps`, external: false }];
  for (const [index, app] of parsed.apps.entries()) {
    if (!app.composeFile) continue;
    const at = ['apps', index, 'composeFile'];
    const file = path.resolve(root, app.composeFile);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      issues.push({
        path: at,
        message: `${app.composeFile} does not exist (yet); the override assumes ${app.service} is on its project's default network`,
        severity: 'warning',
      });
      continue;
    }
    const doc = parseDocument(text, { prettyErrors: false });
    const compose = doc.errors.length ? undefined : (doc.toJS({ maxAliasCount: 100 }) as unknown);
    const services = isObject(compose) ? compose.services : undefined;
    if (!isObject(compose) || !isObject(services)) {
      issues.push({
        path: at,
        message: `${app.composeFile} is not a compose file with services`,
        severity: 'error',
      });
      continue;
    }
    const service = services[app.service];
    if (service === undefined) {
      const names = Object.keys(services);
      issues.push({
        path: ['apps', index, 'service'],
        message: `no service "${app.service}" in ${app.composeFile} (services: ${names.join(', ')})${didYouMean(app.service, names)}`,
        severity: 'error',
      });
      continue;
    }
    if (isObject(service) && typeof service.network_mode === 'string') {
      issues.push({
        path: ['apps', index, 'service'],
        message: `${app.service} uses network_mode: ${service.network_mode} in ${app.composeFile}, so it cannot join Docker networks; send to the collector's published ports instead`,
        severity: 'error',
      });
      continue;
    }
    const networks = isObject(service) ? service.networks : undefined;
    const own = Array.isArray(networks)
      ? networks.map(String)
      : isObject(networks)
        ? Object.keys(networks)
        : ['default'];
    // The override repeats these names: one compose would refuse must be reported as the app's, here.
    const invalid = own.filter((n) => !/^[a-zA-Z0-9._-]+$/.test(n));
    if (invalid.length) {
      issues.push({
        path: at,
        message: `${app.composeFile}: ${app.service} is on a network whose name compose refuses (${invalid.map((n) => JSON.stringify(n)).join(', ')}); fix it there`,
        severity: 'error',
      });
      continue;
    }
    const declared = await networkNames(app.composeFile, file, compose);
    composeNetworks.set(app.composeFile, declared);
    facts.set(index, {
      ownNetworks: own,
      ownNetworkNames: own.map((key) => declared.names.get(key) ?? `${declared.project}_${key}`),
      project: declared.project,
    });
    // The trap: the stack joins a network by the key the app's file uses, not the name Docker gives it.
    for (const wanted of app.networks ?? stackNetworks.map((n) => n.name)) {
      const real = declared.names.get(wanted);
      const i = stackNetworks.findIndex((n) => n.name === wanted);
      if (real === undefined || real === wanted || i < 0) continue;
      issues.push({
        path: ['networks', 'applications', i, 'name'],
        message: `"${wanted}" is, in ${app.composeFile}, the key of a network Docker names "${real}" (compose project "${declared.project}"): the stack and ${app.service} would be on two different networks. Write name: ${real} here (external: true, since that project creates it), or give the network name: ${wanted} in ${app.composeFile}`,
        severity: 'error',
      });
    }
  }
  return { facts, issues, composeNetworks: [...composeNetworks.values()] };
}

/** The Docker name of each network a compose file declares, as compose gives it. */
async function networkNames(relative: string, file: string, compose: Record_): Promise<ComposeNetworks> {
  const project = await projectName(file, compose);
  const names = new Map<string, string>([['default', `${project}_default`]]);
  const declared = isObject(compose.networks) ? compose.networks : {};
  for (const [key, spec] of Object.entries(declared)) {
    const named = isObject(spec) && typeof spec.name === 'string' ? spec.name : undefined;
    const external = isObject(spec) && spec.external === true;
    names.set(key, named ?? (external ? key : `${project}_${key}`));
  }
  return { file: relative, project, names };
}

/**
 * Compose's project name: the file's `name:`, else COMPOSE_PROJECT_NAME from the environment or the .env
 * beside the file, else the folder's name, lowercased, keeping letters, digits, "_" and "-".
 */
async function projectName(file: string, compose: Record_): Promise<string> {
  if (typeof compose.name === 'string' && !compose.name.includes('$')) return compose.name;
  const dotenv = await readFile(path.join(path.dirname(file), '.env'), 'utf8').catch(() => '');
  const fromEnv =
    process.env.COMPOSE_PROJECT_NAME || /^\s*COMPOSE_PROJECT_NAME\s*=\s*["']?([^"'\s]+)/m.exec(dotenv)?.[1];
  if (fromEnv) return fromEnv;
  return path
    .basename(path.dirname(file))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
}

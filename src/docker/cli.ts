/**
 * The real Docker CLI and Compose v2, through execa. Preflight finds out, with a clear message for each,
 * whether the docker CLI exists, the engine answers (DOCKER_HOST and contexts are honoured because the
 * CLI reads them), and Compose v2 is there as the `docker compose` plugin or a standalone `docker-compose`.
 */
import { execa, type Options } from 'execa';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CacheEntries } from '../cache-folder.js';
import { OperationError } from '../errors.js';
import { apiGet, cliConfig, cliConfigDir, engineSocket, ok } from './api.js';

/** How to run compose: `docker compose …` or `docker-compose …` (v2 standalone). */
export interface Docker {
  compose: { file: string; args: string[] };
  composeVersion: string;
  /** Where the engine is, for messages. */
  host: string;
  /**
   * The engine's own ID: the same engine however DOCKER_HOST spells its address (unix:///var/run/…,
   * a context, a symlinked socket), so locks keyed by it exclude each other.
   */
  engineId: string;
  /** The engine's memory in bytes (0 when it does not say). */
  memTotal: number;
}

export function dockerHost(): string {
  return (
    process.env.DOCKER_HOST ||
    (process.env.DOCKER_CONTEXT ? `context ${process.env.DOCKER_CONTEXT}` : 'unix:///var/run/docker.sock')
  );
}

/**
 * The engine's ID, version and memory, and the version of the CLI's compose plugin: `docker info` asks
 * every plugin for its metadata anyway, so a second run (`docker compose version`) is needed only when
 * it lists no compose plugin.
 */
const INFO_FORMAT =
  '{{.ID}}|{{.ServerVersion}}|{{.MemTotal}}|' +
  '{{range .ClientInfo.Plugins}}{{if eq .Name "compose"}}{{.Version}}{{end}}{{end}}';

export async function preflightDocker(): Promise<Docker> {
  const host = dockerHost();
  const asked = await preflightByApi(host);
  if (asked) return asked;
  const engine = await execa('docker', ['info', '--format', INFO_FORMAT], { reject: false, timeout: 20_000 });
  if (engine.code === 'ENOENT') {
    throw new OperationError(
      'docker was not found on the PATH: install Docker Engine (or Docker Desktop) and try again',
    );
  }
  const [engineId = '', serverVersion = '', memTotal = '0', pluginVersion = ''] = String(engine.stdout ?? '')
    .trim()
    .split('|');
  if (engine.exitCode !== 0 || engine.timedOut || !serverVersion) {
    const why = engine.timedOut
      ? 'no answer within 20s'
      : firstLine(String(engine.stderr ?? '')) || 'no answer';
    throw new OperationError(
      `the Docker engine at ${host} does not answer (${why}). Start it (e.g. "sudo systemctl start docker"), or point DOCKER_HOST at a running engine`,
    );
  }
  const compose = majorVersion(pluginVersion) >= 2 ? viaPlugin(pluginVersion) : await findCompose();
  return { ...compose, host, engineId: engineId || host, memTotal: Number(memTotal) || 0 };
}

/**
 * The same answers without the docker CLI's own start (~60 ms): the engine's API on its local socket, and
 * the compose plugin where the CLI finds it, asked for its metadata as the CLI asks it. Undefined when any
 * of it is not so (another engine, no docker on the PATH, no plugin, no answer): the CLI is asked then,
 * and words the fault.
 */
async function preflightByApi(host: string): Promise<Docker | undefined> {
  const plugin = engineSocket() && onPath('docker') ? composePlugin() : undefined;
  if (!plugin) return undefined;
  const [answer, version] = await Promise.all([
    apiGet<{ ID?: string; ServerVersion?: string; MemTotal?: number }>('/info'),
    pluginVersionOf(plugin),
  ]);
  const info = answer && ok(answer);
  if (!info?.ServerVersion || majorVersion(version) < 2) return undefined;
  return {
    ...viaPlugin(version),
    host,
    engineId: info.ID || host,
    memTotal: info.MemTotal || 0,
  };
}

/**
 * The compose plugin the docker CLI would run: the first `docker-compose` in its config folder's
 * cli-plugins, then config.json's cliPluginsExtraDirs, then the system's folders (docker/cli's plugin
 * manager, Unix).
 */
function composePlugin(): string | undefined {
  const extra = cliConfig()?.cliPluginsExtraDirs;
  const dirs = [
    path.join(cliConfigDir(), 'cli-plugins'),
    ...(Array.isArray(extra) ? extra.filter((dir) => typeof dir === 'string') : []),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
  return dirs.map((dir) => path.join(dir, 'docker-compose')).find(isExecutable);
}

const onPath = (command: string): boolean =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, command)));

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The plugin's version from its metadata, as the CLI asks it (`docker-compose docker-cli-plugin-metadata`).
 * That run takes some 20 ms, so a v2's version is kept in stackgen's cache with the file's size, time and
 * inode: a plugin upgraded or replaced is asked again.
 */
async function pluginVersionOf(plugin: string): Promise<string> {
  const file = statSync(plugin, { throwIfNoEntry: false });
  if (!file) return '';
  const tag = `${file.size}:${file.mtimeMs}:${file.ino}`;
  const cache = CacheEntries.open('plugin');
  const kept = cache.get(plugin, tag);
  if (typeof kept === 'string') return kept;
  const metadata = await execa(plugin, ['docker-cli-plugin-metadata'], { reject: false, timeout: 20_000 });
  if (metadata.exitCode !== 0) return '';
  let version = '';
  try {
    version = String((JSON.parse(String(metadata.stdout)) as { Version?: unknown }).Version ?? '');
  } catch {
    // Not the metadata a plugin must print: the CLI is asked instead.
  }
  if (majorVersion(version) >= 2) cache.put(plugin, tag, version);
  return version;
}

/**
 * Compose as the docker CLI's plugin: `docker compose …`. Docker's packages say `v2.29.7`, Debian's
 * `2.26.1-4`: the leading v is dropped.
 */
const viaPlugin = (version: string): Pick<Docker, 'compose' | 'composeVersion'> => ({
  compose: { file: 'docker', args: ['compose'] },
  composeVersion: version.trim().replace(/^v/, ''),
});

async function findCompose(): Promise<Pick<Docker, 'compose' | 'composeVersion'>> {
  const plugin = await execa('docker', ['compose', 'version', '--short'], { reject: false });
  if (plugin.exitCode === 0 && majorVersion(plugin.stdout) >= 2) return viaPlugin(plugin.stdout);
  const standalone = await execa('docker-compose', ['version', '--short'], { reject: false });
  if (standalone.exitCode === 0 && majorVersion(standalone.stdout) >= 2) {
    return { compose: { file: 'docker-compose', args: [] }, composeVersion: standalone.stdout.trim() };
  }
  const v1 =
    standalone.exitCode === 0 ? ` (found docker-compose ${standalone.stdout.trim()}, which is v1)` : '';
  throw new OperationError(
    `Docker Compose v2 was not found${v1}: install the "docker compose" plugin (Debian and Ubuntu: the docker-compose package of version 2, or docker-compose-plugin from Docker's repository)`,
  );
}

function majorVersion(text: string): number {
  return Number(/(\d+)\./.exec(text.trim().replace(/^v/, ''))?.[1] ?? 0);
}

export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

/** `docker …`, failing with an OperationError that quotes docker's own words. */
export async function docker(args: string[], options: Options = {}) {
  const result = await execa('docker', args, { reject: false, ...options });
  if (result.exitCode !== 0) {
    throw new OperationError(
      `docker ${args[0]} failed: ${firstLine(String(result.stderr ?? '')) || `exit code ${result.exitCode}`}`,
    );
  }
  return result;
}

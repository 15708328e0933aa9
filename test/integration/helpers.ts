/** What the integration suites share: a project folder, the CLI, and looks at the engine. */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/stackgen.js');

/** A project on disk for one suite: stack files and any other files, removed by `dispose`. */
export async function createProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stackgen-integration-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

export function stackgenIn(project: string) {
  return (args: string[], env: Record<string, string> = {}) =>
    execa('node', [BIN, ...args], { cwd: project, reject: false, env: { NO_COLOR: '1', ...env } });
}

/** Removes every container, network and volume of the compose projects, then the folder. */
export async function dispose(projects: string[], folder: string | undefined): Promise<void> {
  for (const name of projects) {
    await execa('docker', ['compose', '-p', name, 'down', '--volumes', '--remove-orphans'], {
      reject: false,
    });
    // stackgen's mark of which .env the data belongs to is not in the compose file.
    await execa('docker', ['volume', 'rm', `${name}_stackgen-env`], { reject: false });
  }
  if (folder) await rm(folder, { recursive: true, force: true });
}

export async function containers(project: string): Promise<string[]> {
  const { stdout } = await execa('docker', [
    'ps',
    '-a',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${project}`,
  ]);
  return stdout.split('\n').filter(Boolean);
}

export async function volumes(project: string): Promise<string[]> {
  const { stdout } = await execa('docker', ['volume', 'ls', '-q', '--filter', `name=${project}_`]);
  return stdout.split('\n').filter(Boolean).sort();
}

export async function eventually<T>(probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not within ${seconds}s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Scrape targets of a Prometheus on 127.0.0.1 that are up, by job. */
export async function upTargets(prometheusPort: number): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/targets`);
  const { data } = (await response.json()) as {
    data: { activeTargets: { labels: { job: string }; health: string }[] };
  };
  return data.activeTargets
    .filter((t) => t.health === 'up')
    .map((t) => t.labels.job)
    .sort();
}

/**
 * A docker CLI config folder inside `folder` holding a context named `name` for the local engine's socket:
 * with DOCKER_CONFIG and DOCKER_CONTEXT set to them, stackgen asks the CLI, not the engine's API.
 */
export async function sameEngineContext(folder: string, name: string): Promise<string> {
  const config = path.join(folder, 'config');
  await execa('docker', ['context', 'create', name, '--docker', 'host=unix:///var/run/docker.sock'], {
    env: { DOCKER_CONFIG: config },
  });
  return config;
}

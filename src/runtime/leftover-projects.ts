/**
 * Compose projects of this project root that no stack owns any more: a stack renamed while it ran keeps
 * running under its old project name, invisible to `status` and `down` of the new name. Found by the
 * labels compose puts on every container (the project, and the compose files it was started from).
 */
import { composeProjectsOnEngine } from '../docker/engine.js';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { STACKS_DIR } from '../project-root.js';
import { compareText } from '../compare.js';

export interface LeftoverProject {
  project: string;
  /** The compose file it was started from, relative to the root. */
  file: string;
}

export async function leftoverProjects(root: string): Promise<LeftoverProject[]> {
  const listed = await composeProjectsOnEngine();
  const names = await stackNames(root);
  const found = new Map<string, string>();
  for (const { project, file } of listed) {
    if (names.has(project)) continue;
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
    found.set(project, relative.split(path.sep).join('/'));
  }
  return [...found]
    .map(([project, file]) => ({ project, file }))
    .sort((a, b) => compareText(a.project, b.project));
}

/** The `name:` of each stack file, read without validating it. */
async function stackNames(root: string): Promise<Set<string>> {
  const files = (await readdir(path.join(root, STACKS_DIR)).catch(() => [] as string[])).filter((f) =>
    /\.ya?ml$/.test(f),
  );
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(path.join(root, STACKS_DIR, file), 'utf8').catch(() => '');
    let name: unknown;
    try {
      name = (parse(text) as { name?: unknown } | null)?.name;
    } catch {
      // Not YAML: the stack file's own errors are reported elsewhere.
    }
    if (typeof name === 'string') names.add(name);
  }
  return names;
}

export function describeLeftover(leftover: LeftoverProject): string {
  return `warning: the compose project ${leftover.project} (${leftover.file}) has containers, but no stack of this project is named ${leftover.project} any more (renamed?): "docker compose -p ${leftover.project} down" removes them`;
}

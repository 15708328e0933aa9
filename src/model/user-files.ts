/**
 * Reading the user's own files a stack wires in: dashboards (`grafana.extraDashboards`), Prometheus rule
 * files (`prometheus.ruleFiles`) and compose files (`include`). Like the apps' compose files, they are read
 * at load, so that every command checks them (user-file-checks.ts) and the renderer stays pure. stackgen
 * never writes them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { backendOf } from '../backends/index.js';
import type { StackParsed } from './schema.js';
import type { PathIssue } from './validate.js';

export interface UserFile {
  /** Relative to the project root, forward slashes. */
  path: string;
  content: string;
}

/** A file or folder named in the stack file, with the files it holds. */
export interface UserSource {
  /** As named (normalized), relative to the project root. */
  path: string;
  kind: 'file' | 'folder';
  files: UserFile[];
}

export interface UserDashboards extends UserSource {
  /** The Grafana folder they show in. */
  folder: string;
}

export interface UserFiles {
  dashboards: UserDashboards[];
  ruleFiles: UserSource[];
  includes: UserFile[];
}

export const NO_USER_FILES: UserFiles = { dashboards: [], ruleFiles: [], includes: [] };

export async function readUserFiles(
  root: string,
  parsed: StackParsed,
  normal: (file: string) => string,
): Promise<{ files: UserFiles; issues: PathIssue[] }> {
  const issues: PathIssue[] = [];
  const files: UserFiles = { dashboards: [], ruleFiles: [], includes: [] };
  for (const [i, entry] of parsed.grafana.extraDashboards.entries()) {
    const { path: named, folder } = typeof entry === 'string' ? { path: entry, folder: undefined } : entry;
    const at = ['grafana', 'extraDashboards', i, ...(typeof entry === 'string' ? [] : ['path'])];
    const source = await readSource(root, normal(named), ['.json'], at, issues);
    if (source) files.dashboards.push({ ...source, folder: folder ?? parsed.name });
  }
  for (const [i, named] of parsed.prometheus.ruleFiles.entries()) {
    const source = await readSource(
      root,
      normal(named),
      ['.yml', '.yaml'],
      ['prometheus', 'ruleFiles', i],
      issues,
    );
    if (source) files.ruleFiles.push(source);
  }
  // The folders the backend's settings name (SigNoz's histogramQuantileDir), when the file has its section.
  const section = parsed[parsed.backend];
  for (const folder of section ? (backendOf(parsed.backend).userFolders?.(section) ?? []) : []) {
    const names = await readdir(path.resolve(root, normal(folder.path))).catch(() => undefined);
    if (!names)
      issues.push({
        path: folder.key,
        message: `${folder.path} is not a folder of the project`,
        severity: 'error',
      });
    else if (!names.some((n) => folder.holds.test(n)))
      issues.push({ path: folder.key, message: `${folder.path} holds no ${folder.what}`, severity: 'error' });
  }
  for (const [i, named] of parsed.include.entries()) {
    const source = await readSource(root, normal(named), [], ['include', i], issues);
    if (source?.kind === 'folder') {
      issues.push({
        path: ['include', i],
        message: `${source.path} is a folder; name a compose file`,
        severity: 'error',
      });
    } else if (source) files.includes.push(source.files[0]!);
  }
  return { files, issues };
}

/** A file, or a folder's files with one of `extensions` (not its subfolders), sorted by name. */
async function readSource(
  root: string,
  named: string,
  extensions: string[],
  at: (string | number)[],
  issues: PathIssue[],
): Promise<UserSource | undefined> {
  const full = path.resolve(root, named);
  const info = await stat(full).catch(() => undefined);
  if (!info) {
    issues.push({ path: at, message: `${named} does not exist`, severity: 'error' });
    return undefined;
  }
  if (info.isFile()) {
    return { path: named, kind: 'file', files: [{ path: named, content: await readFile(full, 'utf8') }] };
  }
  const names = (await readdir(full)).filter((n) => extensions.some((e) => n.endsWith(e))).sort();
  if (names.length === 0) {
    issues.push({
      path: at,
      message: `${named} holds no ${extensions.map((e) => `*${e}`).join(' or ')} file`,
      severity: 'error',
    });
    return undefined;
  }
  const files: UserFile[] = [];
  for (const name of names) {
    const file = path.join(full, name);
    if ((await stat(file)).isFile())
      files.push({ path: `${named}/${name}`, content: await readFile(file, 'utf8') });
  }
  return { path: named, kind: 'folder', files };
}

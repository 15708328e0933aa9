/**
 * Applies a set of file changes as one unit: every new content is first written to a temporary file
 * beside its target, then all are renamed into place. If any step fails, what was already renamed is
 * put back as it was, so on error nothing on disk changes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OperationError } from '../errors.js';

export interface FileChange {
  /** Absolute path. */
  path: string;
  /** New content, or null to delete the file. */
  content: string | null;
  /** File mode for new files (secrets get 0o600). */
  mode?: number;
}

interface Staged {
  change: FileChange;
  temp?: string;
  /** Content before the change, or null when the file did not exist. */
  original: Buffer | null;
  originalMode?: number;
  applied: boolean;
}

export async function applyChanges(changes: FileChange[]): Promise<void> {
  const createdDirs: string[] = [];
  const staged: Staged[] = [];
  let current = '';
  try {
    for (const change of changes) {
      current = change.path;
      const original = await readOriginal(change.path);
      const entry: Staged = {
        change,
        original: original?.content ?? null,
        originalMode: original?.mode,
        applied: false,
      };
      staged.push(entry);
      if (change.content === null) continue;
      createdDirs.push(...(await makeParents(path.dirname(change.path))));
      entry.temp = `${change.path}.stackgen-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(entry.temp, change.content, {
        mode: original?.mode ?? change.mode ?? 0o644,
        flag: 'wx',
      });
    }
    for (const entry of staged) {
      current = entry.change.path;
      if (entry.temp) await rename(entry.temp, entry.change.path);
      else await unlink(entry.change.path);
      entry.applied = true;
    }
  } catch (error) {
    await rollBack(staged, createdDirs);
    throw new OperationError(`could not write ${current}: ${reason(error)}; nothing was changed`);
  }
  await removeEmptyParents(changes.filter((c) => c.content === null).map((c) => path.dirname(c.path)));
}

async function readOriginal(file: string): Promise<{ content: Buffer; mode: number } | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(file), stat(file)]);
    return { content, mode: info.mode & 0o777 };
  } catch (error) {
    // A folder in the way is no original to restore; renaming onto it fails, and that rolls back.
    if (['ENOENT', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

/** Creates missing parent folders; returns the ones it created, deepest last. */
async function makeParents(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      await stat(d);
      break;
    } catch {
      missing.unshift(d);
      if (path.dirname(d) === d) break;
    }
  }
  for (const d of missing) await mkdir(d);
  return missing;
}

async function rollBack(staged: Staged[], createdDirs: string[]): Promise<void> {
  for (const entry of staged.reverse()) {
    if (entry.temp) await rm(entry.temp, { force: true });
    if (!entry.applied) continue;
    if (entry.original === null) await rm(entry.change.path, { force: true });
    else await writeFile(entry.change.path, entry.original, { mode: entry.originalMode });
  }
  for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
}

/** After deleting orphans, drop the folders they leave empty (never the output folder's parents). */
async function removeEmptyParents(dirs: string[]): Promise<void> {
  for (const dir of [...new Set(dirs)].sort().reverse()) {
    await rmdir(dir).catch(() => undefined);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (error as Error).message;
}

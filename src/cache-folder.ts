/**
 * Where stackgen keeps what it can work out again (check verdicts, parsed stack files, rendered stacks, the
 * code V8 compiled of the bundle): one folder in the user's cache, entries tagged with the build of stackgen
 * that made them. Only the bundle has a build id (scripts/build.ts); running from source keeps nothing.
 * Losing the folder only costs time.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

declare const __STACKGEN_BUILD_ID__: string | undefined;

/** The build's id: a hash of everything that went into the bundle. Undefined when running from source. */
export const BUILD_ID = typeof __STACKGEN_BUILD_ID__ === 'string' ? __STACKGEN_BUILD_ID__ : undefined;

export function cacheFolder(): string | undefined {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : undefined);
  return base ? path.join(base, 'stackgen') : undefined;
}

/**
 * Writes one cache entry atomically (a reader sees the old text or the new, never half), after pruning
 * the folder. Throws like the file system does; callers ignore it: it is a cache.
 */
export function writeCacheEntry(file: string, text: string): void {
  const folder = path.dirname(file);
  mkdirSync(folder, { recursive: true });
  pruneCacheFolder(folder);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Entries of other builds (another checkout, an older version) stay this long after their last write. */
const UNUSED_MS = 14 * DAY_MS;
/** At most this many parsed stack files, and as many rendered stacks, are kept, the newest. */
const MOST_STACKS = 200;
/** At most this many files of compiled code (about a megabyte each, one per build and command), the newest. */
const MOST_CODE = 40;

/**
 * Removes what is stale: entries not written for two weeks (other builds' among them, so two checkouts of
 * different versions on one machine do not throw each other's away), the oldest parsed and rendered stacks
 * beyond a few hundred, and the oldest compiled code beyond a few builds' worth. Never fails: it is a cache.
 */
export function pruneCacheFolder(folder: string, now = Date.now()): void {
  try {
    const entries = readdirSync(folder)
      .filter((name) => /^((checked|stack|render)-.+\.json|code-.+\.bin)$/.test(name))
      .map((name) => ({ name, mtime: statSync(path.join(folder, name)).mtimeMs }));
    const newest = (prefix: string) =>
      entries.filter((e) => e.name.startsWith(prefix)).sort((a, b) => b.mtime - a.mtime);
    const doomed = [
      ...entries.filter((e) => now - e.mtime > UNUSED_MS),
      ...newest('stack-').slice(MOST_STACKS),
      ...newest('render-').slice(MOST_STACKS),
      ...newest('code-').slice(MOST_CODE),
    ];
    for (const entry of doomed) rmSync(path.join(folder, entry.name), { force: true });
  } catch {
    // A folder that cannot be listed or cleaned costs only space.
  }
}

/**
 * Where stackgen keeps what it can work out again (check verdicts, parsed stack files, rendered stacks, the
 * code V8 compiled of the bundle): one folder in the user's cache, entries tagged with the build of stackgen
 * that made them. Only the bundle has a build id (scripts/build.ts); running from source keeps nothing.
 * Losing the folder only costs time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

declare const __STACKGEN_BUILD_ID__: string | undefined;

/** The build's id: a hash of everything that went into the bundle. Undefined when running from source. */
export const BUILD_ID = typeof __STACKGEN_BUILD_ID__ === 'string' ? __STACKGEN_BUILD_ID__ : undefined;

export function cacheFolder(): string | undefined {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? path.join(homedir(), '.cache') : undefined);
  return base ? path.join(base, 'stackgen') : undefined;
}

let missed = false;

/**
 * Said where a run misses one of these caches and loads what a run from them does not (zod for a stack file
 * not parsed before, the templates and the checks for a stack not rendered before). bin/stackgen.js keeps
 * V8's compiled code only of a run that missed none: the code of such a run is what most runs need, and
 * the three or four times more a missing run compiles would make every later run slower to load.
 */
export function cacheMissed(): void {
  missed = true;
}

export const missedCache = (): boolean => missed;

/** A cache entry's content as JSON gives it back, or undefined when it is missing or unreadable. */
export function readCacheEntry(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Writes one cache entry atomically (a reader sees the old bytes or the new, never half), after pruning the
 * folder. Never fails: a read-only home or a full disk only costs the next run time.
 */
export function writeCacheEntry(file: string, data: string | Uint8Array): void {
  const folder = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  let written = false;
  try {
    mkdirSync(folder, { recursive: true });
    pruneCacheFolder(folder);
    writeFileSync(temporary, data);
    written = true;
    renameSync(temporary, file);
  } catch {
    // A file written but not put in place is not left behind.
    if (written) rmSync(temporary, { force: true });
  }
}

/**
 * Entries of one kind, one file each (`<kind>-<hash of its name>.json`), each holding the build that wrote
 * it and a tag saying what it was made from: an entry answers only to the same build and the same tag. Keeps
 * nothing when running from source or with no cache folder.
 */
export class CacheEntries {
  private constructor(
    private readonly kind: string,
    private readonly build: string | undefined,
    private readonly folder: string | undefined,
  ) {}

  static open(kind: string, build = BUILD_ID, folder = cacheFolder()): CacheEntries {
    return new CacheEntries(kind, build, build ? folder : undefined);
  }

  private fileOf(name: string): string | undefined {
    return this.folder && path.join(this.folder, `${this.kind}-${sha256(name).slice(0, 32)}.json`);
  }

  get(name: string, tag: string): unknown {
    const file = this.fileOf(name);
    const entry = file && (readCacheEntry(file) as Entry | undefined);
    return entry && entry.build === this.build && entry.tag === tag ? entry.content : undefined;
  }

  put(name: string, tag: string, content: unknown): void {
    const file = this.fileOf(name);
    if (file) writeCacheEntry(file, JSON.stringify({ build: this.build, tag, content } satisfies Entry));
  }
}

interface Entry {
  build: string | undefined;
  tag: string;
  content: unknown;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

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
      .filter((name) => /^((checked|stack|render|plugin)-.+\.json|code-.+\.bin)$/.test(name))
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

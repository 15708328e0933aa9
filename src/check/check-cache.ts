/**
 * The verdict of the checks of one rendered file (it parses back; an app override passes the compose
 * schema; a collector config is consistent; compose.yaml mounts only files of the plan) depends only on that
 * file's bytes, on what its checks read of the rest of the plan (check-plan.ts says what), and on the code
 * that checks them. Within one build of stackgen they never change, so a file that passed once is not
 * checked again: 1000 app overrides, unchanged, are not parsed back at every run, and compose.yaml is not
 * run through the compose-spec schema again.
 *
 * Only the bundle has a build id (scripts/build.ts); running from source never caches. The cache lives in
 * the user's cache folder (cache-folder.ts), one file per build, and losing it only costs time.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { BUILD_ID, cacheFolder, readCacheEntry, writeCacheEntry } from '../cache-folder.js';

/** At most this many verdicts are kept, the newest. */
const LIMIT = 20_000;

export class CheckCache {
  private readonly passed: Set<string>;
  private readonly added: string[] = [];

  private constructor(
    private readonly file: string | undefined,
    known: string[],
  ) {
    this.passed = new Set(known);
  }

  /** The cache of this build, or one that remembers nothing when running from source or with no cache folder. */
  static open(buildId = BUILD_ID, folder = cacheFolder()): CheckCache {
    if (!buildId || !folder) return new CheckCache(undefined, []);
    const file = path.join(folder, `checked-${buildId}.json`);
    const known = readCacheEntry(file);
    return new CheckCache(file, Array.isArray(known) ? (known as string[]) : []);
  }

  /** A verdict's key: the file's path and bytes, and whatever else of the plan its checks read. */
  static key(filePath: string, content: string, ...reads: string[]): string {
    const hash = createHash('sha256').update(filePath).update('\0').update(content);
    for (const read of reads) hash.update('\0').update(read);
    return hash.digest('base64url');
  }

  has(key: string): boolean {
    return this.passed.has(key);
  }

  add(key: string): void {
    if (this.passed.has(key)) return;
    this.passed.add(key);
    this.added.push(key);
  }

  /** Writes what was added, atomically, and prunes the folder. Failures are ignored: it is a cache. */
  save(): void {
    if (!this.file || this.added.length === 0) return;
    writeCacheEntry(this.file, JSON.stringify([...this.passed].slice(-LIMIT)));
  }
}

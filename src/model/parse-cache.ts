/**
 * What a stack file's text came to through YAML and the zod schema, kept while its text and the build of
 * stackgen stay the same. Parsing with the positions errors are reported at is the slowest step of loading a
 * large stack file (a 1000-app one takes longer than rendering it), zod is the slowest module to start, and
 * positions are needed only when something is wrong: `load.ts` then parses the text again. Only content
 * JSON gives back exactly (no infinite numbers, no -0, no undefined values) is kept.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { BUILD_ID, cacheFolder, writeCacheEntry } from '../cache-folder.js';

interface Entry {
  build: string;
  sha256: string;
  content: unknown;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class ParsedStackCache {
  private constructor(
    private readonly build: string | undefined,
    private readonly folder: string | undefined,
  ) {}

  /** This build's cache; one that keeps nothing when running from source or with no cache folder. */
  static open(build = BUILD_ID, folder = cacheFolder()): ParsedStackCache {
    return new ParsedStackCache(build, build ? folder : undefined);
  }

  private fileOf(stackFile: string): string | undefined {
    return this.folder && path.join(this.folder, `stack-${sha256(stackFile).slice(0, 32)}.json`);
  }

  /** The content parsed from exactly this text by this build, if it was kept. `stackFile` is absolute. */
  get(stackFile: string, text: string): unknown {
    const file = this.fileOf(stackFile);
    if (!file) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
      return entry.build === this.build && entry.sha256 === sha256(text) ? entry.content : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps what this text parsed to. Failures are ignored: it is a cache. */
  put(stackFile: string, text: string, content: unknown): void {
    const file = this.fileOf(stackFile);
    if (!file) return;
    try {
      const entry: Entry = { build: this.build!, sha256: sha256(text), content };
      const json = JSON.stringify(entry);
      if (!isDeepStrictEqual((JSON.parse(json) as Entry).content, content)) return;
      writeCacheEntry(file, json);
    } catch {
      // Content JSON cannot keep, a read-only home, a full disk: the next run parses again.
    }
  }
}

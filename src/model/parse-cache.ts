/**
 * What a stack file's text came to through YAML and the zod schema, kept while its text and the build of
 * stackgen stay the same. Parsing with the positions errors are reported at is the slowest step of loading a
 * large stack file (a 1000-app one takes longer than rendering it), zod is the slowest module to start, and
 * positions are needed only when something is wrong: `load.ts` then parses the text again. Only content
 * JSON gives back exactly (no infinite numbers, no -0, no undefined values) is kept.
 */
import { isDeepStrictEqual } from 'node:util';
import { BUILD_ID, CacheEntries, cacheFolder, sha256 } from '../cache-folder.js';

export class ParsedStackCache {
  private constructor(private readonly entries: CacheEntries) {}

  /** This build's cache; one that keeps nothing when running from source or with no cache folder. */
  static open(build = BUILD_ID, folder = cacheFolder()): ParsedStackCache {
    return new ParsedStackCache(CacheEntries.open('stack', build, folder));
  }

  /** The content parsed from exactly this text by this build, if it was kept. `stackFile` is absolute. */
  get(stackFile: string, text: string): unknown {
    return this.entries.get(stackFile, sha256(text));
  }

  /** Keeps what this text parsed to, when JSON gives it back exactly. */
  put(stackFile: string, text: string, content: unknown): void {
    if (isDeepStrictEqual(JSON.parse(JSON.stringify(content)), content))
      this.entries.put(stackFile, sha256(text), content);
  }
}

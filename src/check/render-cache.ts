/**
 * What a stack rendered to, once it passed the checks (check-plan.ts, through rendered.ts), kept while the stack and the build of
 * stackgen stay the same. Rendering is a pure function of the loaded stack (whatever it reads of your files,
 * app compose files, dashboards, certificates, was read while loading it), so a stack equal in every field
 * renders the same files: a run whose stack did not change renders and checks nothing. Entries are named by
 * the stack they were rendered from; only the bundle keeps them (cache-folder.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_ID, cacheFolder, writeCacheEntry } from '../cache-folder.js';
import type { Stack } from '../model/normalize.js';
import type { RenderPlan } from '../render/plan.js';

interface Entry extends Omit<RenderPlan, 'stack'> {
  build: string;
  key: string;
}

/** Stands for undefined in a key, so that a field set to undefined and one left out stay different. */
const UNDEFINED = '\0undefined';

/**
 * The stack as text that differs whenever the stack does; undefined when it holds what JSON cannot say
 * exactly (a Map, a function, an infinite number), and is then never cached.
 */
function stackKey(stack: Stack): string | undefined {
  try {
    const text = JSON.stringify(stack, (_, value: unknown) => {
      if (value === undefined) return UNDEFINED;
      if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not exact in JSON');
      if (typeof value === 'function' || value instanceof Map || value instanceof Set)
        throw new Error('not exact in JSON');
      return value;
    });
    return createHash('sha256').update(text).digest('hex');
  } catch {
    return undefined;
  }
}

export class RenderCache {
  private constructor(
    private readonly build: string | undefined,
    private readonly folder: string | undefined,
  ) {}

  /** This build's cache; one that keeps nothing when running from source or with no cache folder. */
  static open(build = BUILD_ID, folder = cacheFolder()): RenderCache {
    return new RenderCache(build, build ? folder : undefined);
  }

  private fileOf(key: string | undefined): string | undefined {
    return this.folder && key && path.join(this.folder, `render-${key.slice(0, 32)}.json`);
  }

  /** The checked plan this very stack rendered to with this build, if it was kept. */
  get(stack: Stack): RenderPlan | undefined {
    const key = stackKey(stack);
    const file = this.fileOf(key);
    if (!file) return undefined;
    try {
      const { build, key: kept, files, secrets, inputs } = JSON.parse(readFileSync(file, 'utf8')) as Entry;
      return build === this.build && kept === key ? { stack, files, secrets, inputs } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Keeps a plan that passed the checks. Failures are ignored: it is a cache. */
  put(plan: RenderPlan): void {
    const key = stackKey(plan.stack);
    const file = this.fileOf(key);
    if (!file) return;
    const { files, secrets, inputs } = plan;
    const entry: Entry = { build: this.build!, key: key!, files, secrets, inputs };
    try {
      writeCacheEntry(file, JSON.stringify(entry));
    } catch {
      // A read-only home, a full disk: the next run renders again.
    }
  }
}

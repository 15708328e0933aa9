/**
 * What a stack rendered to, once it passed the checks (check-plan.ts, through rendered.ts), kept while the
 * stack and the build of stackgen stay the same. Rendering is a pure function of the loaded stack (whatever it reads of your files,
 * app compose files, dashboards, certificates, was read while loading it), so a stack equal in every field
 * renders the same files: a run whose stack did not change renders and checks nothing. Entries are named by
 * the stack they were rendered from; only the bundle keeps them (cache-folder.ts).
 */
import { CacheEntries, BUILD_ID, cacheFolder, sha256 } from '../cache-folder.js';
import type { Stack } from '../model/normalize.js';
import type { RenderPlan } from '../render/plan.js';

/** Stands for undefined in a key, so that a field set to undefined and one left out stay different. */
const UNDEFINED = '\0undefined';

/** Worked out once per stack object: a miss asks for it again when it keeps the plan. */
const keys = new WeakMap<Stack, string | undefined>();

/**
 * The stack as a hash that differs whenever the stack does; undefined when it holds what JSON cannot say
 * exactly (a Map, a function, an infinite number), and is then never cached.
 */
function stackKey(stack: Stack): string | undefined {
  if (keys.has(stack)) return keys.get(stack);
  let key: string | undefined;
  try {
    key = sha256(
      JSON.stringify(stack, (_, value: unknown) => {
        if (value === undefined) return UNDEFINED;
        if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not exact in JSON');
        if (typeof value === 'function' || value instanceof Map || value instanceof Set)
          throw new Error('not exact in JSON');
        return value;
      }),
    );
  } catch {
    key = undefined;
  }
  keys.set(stack, key);
  return key;
}

export class RenderCache {
  private constructor(private readonly entries: CacheEntries) {}

  /** This build's cache; one that keeps nothing when running from source or with no cache folder. */
  static open(build = BUILD_ID, folder = cacheFolder()): RenderCache {
    return new RenderCache(CacheEntries.open('render', build, folder));
  }

  /** The checked plan this very stack rendered to with this build, if it was kept. */
  get(stack: Stack): RenderPlan | undefined {
    const key = stackKey(stack);
    const kept = key && (this.entries.get(key, key) as Omit<RenderPlan, 'stack'> | undefined);
    return kept ? { ...kept, stack } : undefined;
  }

  /** Keeps a plan that passed the checks. */
  put(plan: RenderPlan): void {
    const key = stackKey(plan.stack);
    const { files, secrets, inputs } = plan;
    if (key) this.entries.put(key, key, { files, secrets, inputs });
  }
}

/**
 * What every command renders through: the stack rendered with its patches, and checked (check-plan.ts). A
 * stack that rendered and passed before, unchanged, comes from the cache (render-cache.ts), and then neither
 * the templates nor the checks are loaded.
 */
import type { LoadedStack } from '../model/load.js';
import type { RenderPlan } from '../render/plan.js';
import { cacheMissed } from '../cache-folder.js';
import { RenderCache } from './render-cache.js';

export async function renderChecked(
  loaded: Pick<LoadedStack, 'stack' | 'locate'>,
  cache = RenderCache.open(),
): Promise<RenderPlan> {
  const known = cache.get(loaded.stack);
  if (known) return known;
  cacheMissed();
  const plan = (await import('./check-plan.js')).renderAndCheck(loaded);
  cache.put(plan);
  return plan;
}

/** The cache of rendered, checked stacks (the bundle only): same stack, same files; anything else renders. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChecked } from '../../src/check/rendered.js';
import { RenderCache } from '../../src/check/render-cache.js';
import type { Stack } from '../../src/model/normalize.js';
import { loadObject } from '../helpers/plan.js';

async function stackOf(raw: Record<string, unknown>): Promise<Stack> {
  const { stack, errors } = await loadObject(raw);
  if (!stack) throw new Error(JSON.stringify(errors));
  return stack;
}

const loaded = (stack: Stack) => ({ stack, locate: () => ({ file: stack.sourceFile, path: '' }) });
const folder = () => mkdtempSync(path.join(tmpdir(), 'stackgen-render-cache-'));

describe('the cache of rendered stacks', () => {
  it('gives back what an equal stack rendered to, and renders anything else anew', async () => {
    const dir = folder();
    const cache = RenderCache.open('build-1', dir);
    const first = await renderChecked(loaded(await stackOf({ name: 'demo', backend: 'jaeger' })), cache);
    expect(readdirSync(dir)).toHaveLength(1);

    // An equal stack, loaded again (another object): the same files, from the cache.
    const again = await stackOf({ name: 'demo', backend: 'jaeger' });
    expect(cache.get(again)).toEqual({ ...first, stack: again });
    // Proof that they come from the cache: an entry planted for this stack is what comes back.
    const [entryFile] = readdirSync(dir);
    const entry = JSON.parse(readFileSync(path.join(dir, entryFile!), 'utf8')) as { content: object };
    writeFileSync(
      path.join(dir, entryFile!),
      JSON.stringify({ ...entry, content: { ...entry.content, files: [] } }),
    );
    expect((await renderChecked(loaded(again), cache)).files).toEqual([]);

    // One field changed, or another build: rendered anew.
    const changed = await stackOf({
      name: 'demo',
      backend: 'jaeger',
      collector: { batch: { timeout: '3s' } },
    });
    expect(cache.get(changed)).toBeUndefined();
    expect((await renderChecked(loaded(changed), cache)).files.length).toBe(first.files.length);
    expect(RenderCache.open('build-2', dir).get(again)).toBeUndefined();
  });

  it('tells a field set to undefined from one left out, and keeps nothing from source', async () => {
    const dir = folder();
    const cache = RenderCache.open('b', dir);
    const stack = await stackOf({ name: 'demo', backend: 'tempo' });
    cache.put(await renderChecked(loaded(stack), RenderCache.open(undefined, dir)));
    const withUndefined = { ...stack, tls: { ...stack.tls, extra: undefined } } as unknown as Stack;
    expect(cache.get(stack)).toBeDefined();
    expect(cache.get(withUndefined)).toBeUndefined();

    const fromSource = folder();
    await renderChecked(loaded(stack), RenderCache.open(undefined, fromSource));
    expect(readdirSync(fromSource)).toEqual([]);
  });
});

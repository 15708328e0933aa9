import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { planOfObject } from '../helpers/plan.js';
import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/output/atomic.js';
import { compareWithDisk, manifestFor, MANIFEST_PATH } from '../../src/output/drift.js';
import type { RenderPlan } from '../../src/render/plan.js';
import { testdir } from '../helpers/testdir.js';

function planFor(raw: Record<string, unknown> = {}): Promise<RenderPlan> {
  return planOfObject({ name: 'demo', backend: 'jaeger', ...raw });
}

/** Writes a plan as `generate` would: its files and its manifest. */
async function writePlan(root: string, plan: RenderPlan): Promise<void> {
  const out = path.join(root, plan.stack.output);
  await applyChanges(root, [
    ...plan.files.map((f) => ({ path: path.join(out, f.path), content: f.content })),
    { path: path.join(out, MANIFEST_PATH), content: manifestFor(plan) },
  ]);
}

async function statuses(root: string, plan: RenderPlan): Promise<Record<string, string>> {
  const states = await compareWithDisk(root, plan);
  return Object.fromEntries(states.filter((s) => s.status !== 'current').map((s) => [s.path, s.status]));
}

describe('comparing a plan with the output folder', () => {
  it('finds everything missing in an empty folder', async () => {
    const root = await testdir();
    const plan = await planFor();
    const result = await statuses(root, plan);
    expect(Object.values(result).every((s) => s === 'missing')).toBe(true);
    expect(Object.keys(result)).toHaveLength(plan.files.length + 1);
  });

  it('finds nothing after writing, and stale files after the stack changes', async () => {
    const root = await testdir();
    await writePlan(root, await planFor());
    expect(await statuses(root, await planFor())).toEqual({});
    expect(await statuses(root, await planFor({ collector: { memoryLimitMiB: 1024 } }))).toEqual({
      '.stackgen/manifest.json': 'stale',
      'README.md': 'stale',
      'collector/config.yaml': 'stale',
      'compose.yaml': 'stale',
      // Its memory alert follows collector.memoryLimitMiB.
      'prometheus/rules/stack-health.yml': 'stale',
    });
  });

  it('tells a hand edit from a stale file', async () => {
    const root = await testdir();
    await writePlan(root, await planFor());
    await writeFile(path.join(root, 'deploy/demo/compose.yaml'), '# mine\n', { flag: 'a' });
    expect(await statuses(root, await planFor())).toEqual({ 'compose.yaml': 'hand-edited' });
  });

  it('falls back to the header hash when the manifest is lost, and calls header-less files foreign', async () => {
    const root = await testdir();
    const plan = await planFor();
    await writePlan(root, plan);
    await writeFile(path.join(root, 'deploy/demo', MANIFEST_PATH), 'not json');
    await writeFile(path.join(root, 'deploy/demo/compose.yaml'), '# mine\n', { flag: 'a' });
    await writeFile(path.join(root, 'deploy/demo/README.md'), 'my own readme\n');
    const changed = await planFor({ collector: { memoryLimitMiB: 1024 } });
    expect(await statuses(root, changed)).toEqual({
      '.stackgen/manifest.json': 'stale',
      'README.md': 'foreign',
      'collector/config.yaml': 'stale',
      'compose.yaml': 'hand-edited',
      'prometheus/rules/stack-health.yml': 'stale',
    });
  });

  it('finds orphans, edited or not, and ignores manifest paths outside the folder', async () => {
    const root = await testdir();
    await writePlan(root, await planFor({ apps: [{ service: 'web' }, { service: 'api' }] }));
    await writeFile(path.join(root, 'deploy/demo/apps/api.override.yaml'), '# mine\n', { flag: 'a' });
    await mkdir(path.join(root, 'outside'), { recursive: true });
    await writeFile(path.join(root, 'outside/secret.txt'), 'x');
    const manifestFile = path.join(root, 'deploy/demo', MANIFEST_PATH);
    const manifest = JSON.parse(await (await import('node:fs/promises')).readFile(manifestFile, 'utf8'));
    manifest.files['../../outside/secret.txt'] = 'whatever';
    await writeFile(manifestFile, JSON.stringify(manifest));
    expect(await statuses(root, await planFor())).toEqual({
      '.stackgen/manifest.json': 'stale',
      'README.md': 'stale',
      'apps/api.override.yaml': 'orphaned-edited',
      'apps/web.override.yaml': 'orphaned',
    });
  });
});

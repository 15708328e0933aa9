/**
 * The import graph of src/ as it runs: esbuild reads every module reachable from the CLI (type-only imports
 * are gone by then, as in the bundle) and reports what each imports. A circle there means a module can run
 * before one it needs has finished loading, which is how a moved line turns into "Cannot read properties of
 * undefined" at start (issue #14: no import circle).
 */
import { build } from 'esbuild';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/golden.js';

it('has no circle among the modules of src/', async () => {
  const result = await build({
    entryPoints: [path.join(ROOT, 'src/main.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: 'out',
    splitting: true,
  });
  const graph = new Map(
    Object.entries(result.metafile.inputs)
      .filter(([file]) => file.startsWith('src/'))
      .map(([file, input]) => [file, input.imports.map((i) => i.path).filter((p) => p.startsWith('src/'))]),
  );
  const circles: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    const at = trail.indexOf(file);
    if (at >= 0) return void circles.push([...trail.slice(at), file].join(' -> '));
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  expect(graph.size).toBeGreaterThan(50);
  expect(circles).toEqual([]);
});

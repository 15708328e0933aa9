/**
 * Golden files: the full output of every preset (stacks/*.yaml) and fixture (test/fixtures/stacks/*.yaml),
 * under test/golden/<stack>/. They change only through "npm run test:update", and are reviewed like code.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderChecked } from '../../src/check/rendered.js';
import { loadStack } from '../../src/model/load.js';
import { MANIFEST_PATH, manifestFor } from '../../src/output/drift.js';
import { GOLDEN, GOLDEN_STACKS, ROOT } from '../helpers/golden.js';

const UPDATING = process.env.npm_lifecycle_event === 'test:update';

describe.each(GOLDEN_STACKS)('golden output of %s', (name, file) => {
  it('renders exactly the reviewed files', async () => {
    const loaded = await loadStack(ROOT, file);
    const { warnings } = loaded;
    const plan = await renderChecked(loaded);
    const files = [...plan.files, { path: MANIFEST_PATH, content: manifestFor(plan) }];
    for (const f of files) {
      const golden = path.join(GOLDEN, name, f.path);
      // Vitest would quietly write a missing snapshot; golden files appear only through the explicit command.
      if (!UPDATING) expect(existsSync(golden), `${golden} is missing: run "npm run test:update"`).toBe(true);
      await expect(f.content).toMatchFileSnapshot(golden);
    }

    const onDisk = (await readdir(path.join(GOLDEN, name), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(path.join(GOLDEN, name), path.join(e.parentPath, e.name)));
    expect(onDisk.sort(), 'golden files that the stack no longer renders').toEqual(
      files.map((f) => f.path).sort(),
    );
    if (file.startsWith('stacks/')) expect(warnings, 'presets validate without warnings').toEqual([]);
    expect(
      plan.files.some((f) => f.path.startsWith('tls/')),
      'certificates are never golden (or committed)',
    ).toBe(false);
  });
});

/**
 * The goldens above are rendered through the source; users run the bundle (dist/), whose templates, compose
 * validator and JSON schema were precompiled by the build. Both must write the same bytes.
 */
describe('the built CLI', () => {
  let project: string;
  beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'stackgen-golden-'));
    for (const folder of ['stacks', 'test/fixtures']) {
      await cp(path.join(ROOT, folder), path.join(project, folder), { recursive: true });
    }
  });
  afterAll(() => rm(project, { recursive: true, force: true }));

  it.each(GOLDEN_STACKS)(
    'writes the golden files of %s, with its caches cold and warm',
    async (name, file) => {
      const bin = path.join(ROOT, 'bin/stackgen.js');
      const { stack } = await loadStack(ROOT, file);
      const golden = path.join(GOLDEN, name);
      const files = (await readdir(golden, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => path.relative(golden, path.join(e.parentPath, e.name)));
      // The second run takes the parsed stack file and the rendered, checked files from the caches the first
      // one filled, and keeps V8's compiled code (bin/stackgen.js), which the first, which missed those caches,
      // does not; the third finds that code damaged, and V8 refuses it.
      const env = { XDG_CACHE_HOME: path.join(project, '.cache', name) };
      const cache = path.join(env.XDG_CACHE_HOME, 'stackgen');
      const compiledCode = async () =>
        (await readdir(cache).catch(() => [])).filter((f) => /^code-.+-generate\.bin$/.test(f));
      for (const run of ['cold', 'warm', 'damaged compiled code']) {
        if (run === 'damaged compiled code') {
          for (const f of await compiledCode()) await writeFile(path.join(cache, f), 'not V8 code');
        }
        await rm(path.join(project, stack.output), { recursive: true, force: true });
        const result = await execa('node', [bin, 'generate', file], { cwd: project, reject: false, env });
        expect(result.exitCode, `${run}: ${result.stderr}`).toBe(0);
        expect((await compiledCode()).length, run).toBe(run === 'cold' ? 0 : 1);
        for (const f of files) {
          expect(await readFile(path.join(project, stack.output, f), 'utf8'), `${run}: ${f}`).toBe(
            await readFile(path.join(golden, f), 'utf8'),
          );
        }
      }
      const [code, ...others] = await compiledCode();
      expect(others).toEqual([]);
      // Written again after V8 refused it.
      expect((await readFile(path.join(cache, code!))).length).toBeGreaterThan(100_000);
    },
  );
});

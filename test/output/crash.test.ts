/**
 * `kill -9` in the middle of `generate`: the real CLI in a child process, killed at moments spread over
 * its write phase. After each kill the output is the old version, the new one, or (killed after the
 * commit point) completed by the next plain run; and no staged file survives that run.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE } from '../../src/output/atomic.js';
import { readTree, testdir } from '../helpers/testdir.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/stackgen.js');
const STAGED = /\.stackgen-\d+-[0-9a-f]{8}\.(new|orig)$|^\.stackgen-journal\.json/;

/** 200 apps: every version change rewrites about 210 files. */
function stackFile(httpPort: number): string {
  const apps = Array.from({ length: 200 }, (_, i) => `  - service: app${i}\n`).join('');
  return `name: big\nbackend: jaeger\ncollector:\n  otlp:\n    httpPort: ${httpPort}\napps:\n${apps}`;
}

async function generate(root: string) {
  return execa('node', [BIN, 'generate'], { cwd: root, reject: false });
}

/** The tree without stackgen's staging files, and those files apart. */
async function snapshot(root: string) {
  const tree = await readTree(root);
  const staged = Object.keys(tree).filter((f) => STAGED.test(path.basename(f)));
  for (const file of staged) delete tree[file];
  return { tree, staged };
}

/** Starts generate and kills it with SIGKILL `delay` ms after its journal appears (the write phase). */
async function killDuringWrite(root: string, delay: number): Promise<boolean> {
  const child = execa('node', [BIN, 'generate'], { cwd: root, reject: false });
  const journal = path.join(root, JOURNAL_FILE);
  const started = Date.now();
  while (!existsSync(journal) && child.exitCode === null && Date.now() - started < 20_000) {
    await new Promise((r) => setTimeout(r, 1));
  }
  if (delay) await new Promise((r) => setTimeout(r, delay));
  const killed = child.kill('SIGKILL');
  await child;
  return killed && child.signalCode === 'SIGKILL';
}

describe('generate killed with SIGKILL while it writes', () => {
  it('leaves the old or the new version, and the next run completes and cleans up', async () => {
    const root = await testdir();
    await mkdir(path.join(root, 'stacks'));
    const versions = [4318, 4319];
    const trees: Record<number, Record<string, string>> = {};
    for (const port of versions) {
      await writeFile(path.join(root, 'stacks/big.yaml'), stackFile(port));
      expect((await generate(root)).exitCode).toBe(0);
      trees[port] = (await snapshot(root)).tree;
    }
    expect(trees[4318]).not.toEqual(trees[4319]);

    let killedMidway = 0;
    const states = new Set<string>();
    for (const [i, delay] of [0, 5, 10, 20, 35, 50, 70, 100].entries()) {
      const from = versions[i % 2 === 0 ? 1 : 0]!;
      const to = versions[i % 2]!;
      await writeFile(path.join(root, 'stacks/big.yaml'), stackFile(to));
      const killed = await killDuringWrite(root, delay);
      const after = await snapshot(root);
      const journalLeft = existsSync(path.join(root, JOURNAL_FILE));
      if (killed && journalLeft) {
        killedMidway++;
        states.add(JSON.parse(await readFile(path.join(root, JOURNAL_FILE), 'utf8')).state);
      }
      // Without a journal the tree is exactly one version; with one, the next run finishes it.
      if (!journalLeft) expect([trees[from], trees[to]]).toContainEqual(after.tree);

      const next = await generate(root);
      expect(next.exitCode, next.stderr).toBe(0);
      const done = await snapshot(root);
      expect(done.staged).toEqual([]);
      expect(done.tree).toEqual(trees[to]);
    }
    // The kills did land inside the write phase.
    console.log(`killed midway: ${killedMidway} of 8, in states ${[...states].join(', ')}`);
    expect(killedMidway).toBeGreaterThan(2);
  }, 120_000);
});

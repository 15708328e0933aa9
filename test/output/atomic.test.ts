import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/output/atomic.js';
import { readTree, testdir } from '../helpers/testdir.js';

describe('applying file changes atomically', () => {
  it('writes new files, creating folders, replaces and deletes', async () => {
    const dir = await testdir({ 'keep.txt': 'old', 'gone.txt': 'bye', 'sub/x.txt': 'x' });
    await applyChanges([
      { path: path.join(dir, 'keep.txt'), content: 'new' },
      { path: path.join(dir, 'a/b/c.txt'), content: 'deep' },
      { path: path.join(dir, 'gone.txt'), content: null },
      { path: path.join(dir, 'sub/x.txt'), content: null },
    ]);
    expect(await readTree(dir)).toEqual({ 'keep.txt': 'new', 'a/b/c.txt': 'deep' });
    // The folder emptied by a deletion goes too.
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['sub']));
  });

  it('gives new secret files the mode asked for and keeps the mode of existing files', async () => {
    const dir = await testdir({ 'existing.env': 'A=1\n' });
    await chmod(path.join(dir, 'existing.env'), 0o640);
    await applyChanges([
      { path: path.join(dir, '.env'), content: 'S=1\n', mode: 0o600 },
      { path: path.join(dir, 'existing.env'), content: 'A=2\n', mode: 0o600 },
    ]);
    expect((await stat(path.join(dir, '.env'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'existing.env'))).mode & 0o777).toBe(0o640);
  });

  it('changes nothing when a step fails midway, and leaves no temporary files', async () => {
    const dir = await testdir({ 'first.txt': 'original first', 'second.txt': 'original second' });
    // A folder where a file should go makes the last rename fail after the others succeeded.
    await mkdir(path.join(dir, 'blocked.txt'));
    await expect(
      applyChanges([
        { path: path.join(dir, 'first.txt'), content: 'changed' },
        { path: path.join(dir, 'new/created.txt'), content: 'created' },
        { path: path.join(dir, 'second.txt'), content: null },
        { path: path.join(dir, 'blocked.txt'), content: 'cannot' },
      ]),
    ).rejects.toThrow(/^could not write .*blocked\.txt: is a directory; nothing was changed$/);
    expect(await readTree(dir)).toEqual({ 'first.txt': 'original first', 'second.txt': 'original second' });
    expect((await readdir(dir)).sort()).toEqual(['blocked.txt', 'first.txt', 'second.txt']);
  });

  it('changes nothing when a temporary file cannot be written', async () => {
    const dir = await testdir({ 'a.txt': 'a' });
    await mkdir(path.join(dir, 'locked'));
    await chmod(path.join(dir, 'locked'), 0o500);
    const root = process.getuid?.() === 0;
    const attempt = applyChanges([
      { path: path.join(dir, 'a.txt'), content: 'changed' },
      { path: path.join(dir, 'locked/b.txt'), content: 'b' },
    ]);
    if (root) {
      // root writes through permissions; the change then simply succeeds.
      await attempt;
      expect(await readFile(path.join(dir, 'locked/b.txt'), 'utf8')).toBe('b');
    } else {
      await expect(attempt).rejects.toThrow('permission denied; nothing was changed');
      expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe('a');
    }
  });
});

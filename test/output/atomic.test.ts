import {
  chmod,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  rename,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyChanges,
  interruptedChange,
  JOURNAL_FILE,
  recoverInterrupted,
} from '../../src/output/atomic.js';
import { readTree, testdir } from '../helpers/testdir.js';

describe('applying file changes atomically', () => {
  it('writes new files, creating folders, replaces and deletes', async () => {
    const dir = await testdir({ 'keep.txt': 'old', 'gone.txt': 'bye', 'sub/x.txt': 'x' });
    await applyChanges(dir, [
      { path: path.join(dir, 'keep.txt'), content: 'new' },
      { path: path.join(dir, 'a/b/c.txt'), content: 'deep' },
      { path: path.join(dir, 'gone.txt'), content: null },
      { path: path.join(dir, 'sub/x.txt'), content: null },
    ]);
    expect(await readTree(dir)).toEqual({ 'keep.txt': 'new', 'a/b/c.txt': 'deep' });
    // The folder emptied by a deletion goes too.
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['sub']));
  });

  it('gives files the mode asked for, and keeps the mode of existing files when none is asked', async () => {
    const dir = await testdir({ 'existing.env': 'A=1\n', 'script.sh': 'echo\n' });
    await chmod(path.join(dir, 'existing.env'), 0o644);
    await chmod(path.join(dir, 'script.sh'), 0o750);
    await applyChanges(dir, [
      { path: path.join(dir, '.env'), content: 'S=1\n', mode: 0o600 },
      { path: path.join(dir, 'existing.env'), content: 'A=2\n', mode: 0o600 },
      { path: path.join(dir, 'script.sh'), content: 'echo 2\n' },
    ]);
    expect((await stat(path.join(dir, '.env'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'existing.env'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'script.sh'))).mode & 0o777).toBe(0o750);
  });

  it('changes nothing when a step fails midway, and leaves no temporary files', async () => {
    const dir = await testdir({ 'first.txt': 'original first', 'second.txt': 'original second' });
    // A folder where a file should go makes the last rename fail after the others succeeded.
    await mkdir(path.join(dir, 'blocked.txt'));
    await expect(
      applyChanges(dir, [
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
    const attempt = applyChanges(dir, [
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

/** A journal as an interrupted run leaves it, with the staged files it names. */
async function interrupted(
  dir: string,
  state: 'prepare' | 'commit' | 'rollback',
  entries: { path: string; write: boolean; backup: boolean }[],
) {
  const id = '4242-0badc0de';
  await writeFile(path.join(dir, JOURNAL_FILE), JSON.stringify({ id, state, entries }));
  const staged = (file: string, suffix: string) =>
    path.join(dir, path.dirname(file), `.${path.basename(file)}.stackgen-${id}.${suffix}`);
  return { staged };
}

describe('recovering from a run killed midway', () => {
  it('undoes a change killed before its commit point: the old files, no staged file left', async () => {
    const dir = await testdir({ 'a.txt': 'old a', 'b.txt': 'old b' });
    const { staged } = await interrupted(dir, 'prepare', [
      { path: 'a.txt', write: true, backup: true },
      { path: 'new/c.txt', write: true, backup: false },
      { path: 'b.txt', write: false, backup: true },
    ]);
    await writeFile(staged('a.txt', 'new'), 'new a');
    await link(path.join(dir, 'a.txt'), staged('a.txt', 'orig'));
    await mkdir(path.join(dir, 'new'));
    await writeFile(staged('new/c.txt', 'new'), 'new c');
    await writeFile(path.join(dir, `${JOURNAL_FILE}.4242-0badc0de.tmp`), '{');
    expect(await interruptedChange(dir)).toMatch(/interrupted before it changed anything/);
    expect(await recoverInterrupted(dir)).toBe(true);
    expect(await readTree(dir)).toEqual({ 'a.txt': 'old a', 'b.txt': 'old b' });
    expect(await readdir(dir)).not.toContain('new');
  });

  it('completes a change killed after its commit point: every file new, deletions done', async () => {
    const dir = await testdir({ 'a.txt': 'old a', 'b.txt': 'old b', 'gone/d.txt': 'old d' });
    const { staged } = await interrupted(dir, 'commit', [
      { path: 'a.txt', write: true, backup: true },
      { path: 'b.txt', write: true, backup: true },
      { path: 'gone/d.txt', write: false, backup: true },
    ]);
    // a.txt was renamed into place before the kill; b.txt was not.
    await link(path.join(dir, 'a.txt'), staged('a.txt', 'orig'));
    await writeFile(path.join(dir, 'a.txt.tmp'), 'new a');
    await rename(path.join(dir, 'a.txt.tmp'), path.join(dir, 'a.txt'));
    await link(path.join(dir, 'b.txt'), staged('b.txt', 'orig'));
    await writeFile(staged('b.txt', 'new'), 'new b');
    await link(path.join(dir, 'gone/d.txt'), staged('gone/d.txt', 'orig'));
    await recoverInterrupted(dir);
    expect(await readTree(dir)).toEqual({ 'a.txt': 'new a', 'b.txt': 'new b' });
    expect(await readdir(dir)).not.toContain('gone');
    expect(await recoverInterrupted(dir)).toBe(false);
  });

  it('finishes a roll-back killed midway: every file old again', async () => {
    const dir = await testdir({ 'a.txt': 'new a', 'b.txt': 'old b' });
    const { staged } = await interrupted(dir, 'rollback', [
      { path: 'a.txt', write: true, backup: true },
      { path: 'c.txt', write: true, backup: false },
      { path: 'b.txt', write: true, backup: true },
    ]);
    await writeFile(staged('a.txt', 'orig'), 'old a');
    await writeFile(path.join(dir, 'c.txt'), 'created c');
    await link(path.join(dir, 'b.txt'), staged('b.txt', 'orig'));
    await writeFile(staged('b.txt', 'new'), 'new b');
    await recoverInterrupted(dir);
    expect(await readTree(dir)).toEqual({ 'a.txt': 'old a', 'b.txt': 'old b' });
  });

  it('refuses a journal that names paths outside the project, touching nothing', async () => {
    const dir = await testdir({ 'inside/keep.txt': 'keep' });
    const outside = await testdir({ 'victim.txt': 'precious' });
    const relative = path.relative(path.join(dir, 'inside'), path.join(outside, 'victim.txt'));
    await interrupted(path.join(dir, 'inside'), 'commit', [{ path: relative, write: false, backup: true }]);
    await expect(recoverInterrupted(path.join(dir, 'inside'))).rejects.toThrow(
      'is not a journal stackgen wrote',
    );
    expect(await readTree(outside)).toEqual({ 'victim.txt': 'precious' });
  });
});

describe('writing never follows a symbolic link', () => {
  it('refuses to write into a folder that is a link, and changes nothing', async () => {
    const dir = await testdir({ 'out/a.txt': 'old' });
    const elsewhere = await testdir();
    await symlink(elsewhere, path.join(dir, 'out/grafana'));
    await expect(
      applyChanges(dir, [
        { path: path.join(dir, 'out/a.txt'), content: 'new' },
        { path: path.join(dir, 'out/grafana/x.json'), content: '{}' },
      ]),
    ).rejects.toThrow('out/grafana is a symbolic link');
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await readFile(path.join(dir, 'out/a.txt'), 'utf8')).toBe('old');
  });

  it('replaces a link at a target itself, never what it points to', async () => {
    const dir = await testdir({ 'victim.txt': 'precious' });
    await symlink(path.join(dir, 'victim.txt'), path.join(dir, 'a.txt'));
    await applyChanges(dir, [{ path: path.join(dir, 'a.txt'), content: 'generated' }]);
    expect(await readTree(dir)).toEqual({ 'a.txt': 'generated', 'victim.txt': 'precious' });
    expect((await lstat(path.join(dir, 'a.txt'))).isSymbolicLink()).toBe(false);
  });

  it('deletes a link itself, never what it points to', async () => {
    const dir = await testdir({ 'victim.txt': 'precious' });
    await symlink(path.join(dir, 'victim.txt'), path.join(dir, 'a.txt'));
    await applyChanges(dir, [{ path: path.join(dir, 'a.txt'), content: null }]);
    expect(await readTree(dir)).toEqual({ 'victim.txt': 'precious' });
  });
});

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPath, withLock } from '../../src/runtime/lock.js';

const engine = `unix:///test-${process.pid}.sock`;

describe('the lock on a compose project', () => {
  it('is held during the work and released after, even when the work fails', async () => {
    const file = lockPath(engine, 'locked-a');
    await withLock(engine, 'locked-a', 'up', async () => {
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ pid: process.pid, command: 'up' });
    });
    await expect(readFile(file)).rejects.toThrow();
    await expect(withLock(engine, 'locked-a', 'up', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(readFile(file)).rejects.toThrow();
  });

  it('refuses a second up or down while the first runs', async () => {
    await withLock(engine, 'locked-b', 'up', async () => {
      await expect(withLock(engine, 'locked-b', 'down', async () => undefined)).rejects.toThrow(
        `another "stackgen up" (pid ${process.pid}) is working on the locked-b stack; wait for it to finish`,
      );
    });
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = lockPath(engine, 'locked-c');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ pid: 2 ** 22 + 1, command: 'up' }));
    await expect(withLock(engine, 'locked-c', 'down', async () => 'done')).resolves.toBe('done');
  });

  it('keys the lock by engine and project, not by checkout', () => {
    expect(lockPath(engine, 'x')).toBe(lockPath(engine, 'x'));
    expect(lockPath(engine, 'x')).not.toBe(lockPath('tcp://other:2375', 'x'));
  });
});

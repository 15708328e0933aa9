import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderLock, lockPath, stackLock, withLock } from '../src/lock.js';
import { testdir } from './helpers/testdir.js';

const engine = `engine-${process.pid}`;

describe('the lock on a compose project', () => {
  it('is held during the work and released after, even when the work fails', async () => {
    const file = lockPath(stackLock(engine, 'locked-a'));
    await withLock(stackLock(engine, 'locked-a'), 'up', async () => {
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'up' });
    });
    await expect(readFile(file)).rejects.toThrow();
    await expect(
      withLock(stackLock(engine, 'locked-a'), 'up', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    await expect(readFile(file)).rejects.toThrow();
  });

  it('refuses a second up or down while the first runs, naming the lock file', async () => {
    const subject = stackLock(engine, 'locked-b');
    await withLock(subject, 'up', async () => {
      await expect(withLock(subject, 'down', async () => undefined)).rejects.toThrow(
        `another "stackgen up" (pid ${process.pid}) is working on the locked-b stack; wait for it to finish (lock: ${lockPath(subject)})`,
      );
    });
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = lockPath(stackLock(engine, 'locked-c'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ pid: 2 ** 22 + 1, command: 'up', started: null }));
    await expect(withLock(stackLock(engine, 'locked-c'), 'down', async () => 'done')).resolves.toBe('done');
  });

  it('takes over a lock whose pid now belongs to another process', async () => {
    const file = lockPath(stackLock(engine, 'locked-d'));
    await mkdir(path.dirname(file), { recursive: true });
    // This very process, but "started" at another time: the pid was reused.
    await writeFile(file, JSON.stringify({ pid: process.pid, command: 'up', started: '1' }));
    await expect(withLock(stackLock(engine, 'locked-d'), 'down', async () => 'done')).resolves.toBe('done');
  });

  it('keys the lock by engine and project, not by checkout', () => {
    expect(lockPath(stackLock(engine, 'x'))).toBe(lockPath(stackLock(engine, 'x')));
    expect(lockPath(stackLock(engine, 'x'))).not.toBe(lockPath(stackLock('another-engine', 'x')));
  });

  it('keys the folder lock by the real path, however the folder is spelt', async () => {
    const dir = await testdir();
    expect(lockPath(folderLock(dir))).toBe(lockPath(folderLock(path.join(dir, 'sub', '..'))));
  });

  it('is released, with a lock taken inside it, when the process is interrupted while it waits', async () => {
    const subject = stackLock(engine, 'locked-e');
    const file = lockPath(subject);
    const folder = await testdir();
    const inner = lockPath(folderLock(folder));
    const script = `
      import { withLock, stackLock, folderLock } from ${JSON.stringify(path.resolve('src/lock.ts'))};
      await withLock(stackLock(${JSON.stringify(engine)}, 'locked-e'), 'up', async () => {
        await withLock(folderLock(${JSON.stringify(folder)}), 'up', async () => {
          console.log('held');
          await new Promise((r) => setTimeout(r, 30_000));
        });
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: child.pid });
    child.kill('SIGINT');
    const [, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (code, sig) => resolve([code, sig])),
    );
    expect(signal).toBe('SIGINT');
    expect(stderr).toContain('stackgen up: interrupted');
    await expect(readFile(file)).rejects.toThrow();
    await expect(readFile(inner)).rejects.toThrow();
  });
});

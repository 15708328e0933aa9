/**
 * One `up` or `down` at a time per compose project. The lock is keyed by the Docker engine and the
 * project name (the shared resource), not by the checkout, so two clones cannot race either. A lock
 * left by a process that no longer runs is taken over.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperationError } from '../errors.js';

interface LockInfo {
  pid: number;
  command: string;
}

export function lockPath(engine: string, project: string): string {
  const key = createHash('sha256').update(`${engine}\0${project}`).digest('hex').slice(0, 16);
  return path.join(tmpdir(), 'stackgen-locks', `${project}-${key}.lock`);
}

export async function withLock<T>(
  engine: string,
  project: string,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  const file = lockPath(engine, project);
  await mkdir(path.dirname(file), { recursive: true });
  await acquire(file, project, command);
  try {
    return await work();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

async function acquire(file: string, project: string, command: string, retry = true): Promise<void> {
  try {
    const handle = await open(file, 'wx');
    await handle.writeFile(JSON.stringify({ pid: process.pid, command } satisfies LockInfo));
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await readHolder(file);
    if (holder && isAlive(holder.pid)) {
      throw new OperationError(
        `another "stackgen ${holder.command}" (pid ${holder.pid}) is working on the ${project} stack; wait for it to finish`,
      );
    }
    if (!retry) throw new OperationError(`cannot take the lock ${file}`);
    await unlink(file).catch(() => undefined);
    await acquire(file, project, command, false);
  }
}

async function readHolder(file: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Locks that keep two stackgen runs apart: one per compose project on a Docker engine (`up`, `down`,
 * keyed by the engine and the project, not the checkout, so two clones cannot race either), and one per
 * project folder for everything that writes there (`init`, `generate`, `certs`, the secrets `up` makes).
 *
 * A lock is a file in the temporary folder holding the holder's pid and the time that process started:
 * a lock whose process is gone, or whose pid now belongs to another process, is taken over.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperationError } from './errors.js';

interface LockInfo {
  pid: number;
  /** When the process started (Linux: clock ticks after boot), to tell a reused pid from the holder. */
  started: string | null;
  command: string;
}

/** What a lock guards, for its file name and for messages. */
export interface LockSubject {
  /** A readable name: the project or folder. */
  name: string;
  /** What makes the lock unique (the engine and the project, or the folder's real path). */
  key: string;
  /** "the observability stack", "the project /home/me/app". */
  description: string;
}

export function stackLock(engine: string, project: string): LockSubject {
  return { name: project, key: `${engine}\0${project}`, description: `the ${project} stack` };
}

export function folderLock(root: string): LockSubject {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // A folder that does not exist yet is locked by the path given.
  }
  return { name: 'project', key: `folder\0${real}`, description: `the files of ${root}` };
}

export function lockPath(subject: LockSubject): string {
  const hash = createHash('sha256').update(subject.key).digest('hex').slice(0, 16);
  const name = subject.name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  return path.join(tmpdir(), 'stackgen-locks', `${name}-${hash}.lock`);
}

export async function withLock<T>(subject: LockSubject, command: string, work: () => Promise<T>): Promise<T> {
  const file = lockPath(subject);
  await mkdir(path.dirname(file), { recursive: true });
  const release = () => {
    held.delete(release);
    if (held.size === 0) process.removeListener('SIGINT', onInterrupt);
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  // Taken and registered in one synchronous step: Ctrl-C cannot fall between the two.
  await acquire(file, subject, command, () => {
    if (held.size === 0) process.on('SIGINT', onInterrupt);
    held.set(release, command);
  });
  try {
    return await work();
  } finally {
    release();
  }
}

/** The locks this process holds: how to release each, and the command that took it. */
const held = new Map<() => void, string>();

/** How many steps handle Ctrl-C themselves right now (up's wait). */
let takenOver = 0;

/**
 * For a step that handles Ctrl-C itself and ends through its `finally` (up's wait): until the returned
 * function is called, Ctrl-C is left to it. Other SIGINT listeners (execa's clean-up of child processes)
 * do not count: they never end the process while another listener exists.
 */
export function takeOverInterrupts(): () => void {
  takenOver++;
  let given = false;
  return () => {
    if (!given) takenOver--;
    given = true;
  };
}

/**
 * Ctrl-C while no step handles it (a check before starting, a write): release every lock, then end as
 * Ctrl-C ends a process.
 */
function onInterrupt(): void {
  if (takenOver > 0) return;
  const command = [...held.values()][0];
  for (const release of [...held.keys()]) release();
  process.stderr.write(`\nstackgen ${command}: interrupted\n`);
  process.kill(process.pid, 'SIGINT');
}

async function acquire(
  file: string,
  subject: LockSubject,
  command: string,
  taken: () => void,
  retry = true,
): Promise<void> {
  try {
    const fd = openSync(file, 'wx');
    taken();
    const info: LockInfo = { pid: process.pid, started: processStart(process.pid), command };
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = await readHolder(file);
    // A lock file not written yet belongs to a run that is taking it right now.
    const fresh = !holder && Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? 0) < 5000;
    if (fresh)
      throw new OperationError(
        `another stackgen run is taking ${subject.description}; try again (lock: ${file})`,
      );
    if (holder && holds(holder)) {
      throw new OperationError(
        `another "stackgen ${holder.command}" (pid ${holder.pid}) is working on ${subject.description}; wait for it to finish (lock: ${file})`,
      );
    }
    if (!retry) throw new OperationError(`cannot take the lock ${file}; remove it if no stackgen runs`);
    await unlink(file).catch(() => undefined);
    await acquire(file, subject, command, taken, false);
  }
}

async function readHolder(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.command === 'string'
      ? { pid: info.pid, command: info.command, started: info.started ?? null }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded process still runs, and is the same process (its pid was not given to another). */
function holds(holder: LockInfo): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = processStart(holder.pid);
  return holder.started === null || started === null || started === holder.started;
}

/** Field 22 of /proc/<pid>/stat (start time); null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

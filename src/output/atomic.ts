/**
 * Applies a set of file changes as one unit, across files and across a crash.
 *
 * 1. A journal (`.stackgen-journal.json` at the project root) lists every change, in state "prepare".
 * 2. Each new content is written to a temporary file beside its target; each file about to be replaced
 *    or deleted gets a hard-linked backup beside it.
 * 3. The journal turns to "commit": from here on the change is decided.
 * 4. The temporary files are renamed onto their targets, deleted files unlinked.
 * 5. Backups and the journal are removed.
 *
 * An error before step 3 removes what was staged; an error in step 4 puts the backups back (journal
 * state "rollback"). A process killed at any moment leaves the journal behind, and the next run that
 * writes (`recoverInterrupted`) finishes its work: a "prepare" journal is undone, a "commit" one
 * completed, a "rollback" one rolled back. So the tree holds the old version or the new one, never a mix,
 * and no temporary file survives the next run. Nothing here follows a symbolic link (see paths.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readlink,
  rename,
  rmdir,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { InternalError, OperationError } from '../errors.js';
import { printable } from '../io.js';
import { FolderGuard, insideRoot, isPlainRelative, readEntry, shown } from './paths.js';

export interface FileChange {
  /** Absolute path, below the project root. */
  path: string;
  /** New content, or null to delete the file. */
  content: string | null;
  /** File mode. Given: always applied (secrets get 0o600). Else an existing file keeps its mode. */
  mode?: number;
}

export const JOURNAL_FILE = '.stackgen-journal.json';

type JournalState = 'prepare' | 'commit' | 'rollback';

interface JournalEntry {
  /** Relative to the root, forward slashes. */
  path: string;
  /** A new content is staged (else the file is deleted). */
  write: boolean;
  /** The file existed: a backup of it is kept until the end. */
  backup: boolean;
}

interface Journal {
  $comment: string;
  id: string;
  state: JournalState;
  entries: JournalEntry[];
}

/** The staged new content and the backup of a target, beside it: hidden, named by the change's id. */
function stagingNames(root: string, relative: string, id: string) {
  const target = path.join(root, relative);
  const dir = path.dirname(target);
  const base = path.basename(target);
  return {
    target,
    temp: path.join(dir, `.${base}.stackgen-${id}.new`),
    backup: path.join(dir, `.${base}.stackgen-${id}.orig`),
  };
}

export async function applyChanges(root: string, changes: FileChange[]): Promise<void> {
  if (changes.length === 0) return;
  await recoverInterrupted(root);
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const guard = new FolderGuard(root);
  const entries: JournalEntry[] = [];
  const modes = new Map<string, number | undefined>();
  let current = '';
  const failure = (error: unknown) =>
    new OperationError(`could not write ${current}: ${reason(error)}; nothing was changed`);

  const byPath = new Map(changes.map((c) => [insideRoot(root, c.path).split(path.sep).join('/'), c]));
  if (byPath.size !== changes.length) throw new InternalError('one file changed twice in one write');
  // Look before writing anything: links, folders in the way.
  for (const [relative, change] of byPath) {
    current = shown(root, change.path);
    await guard.assertRealFolders(change.path);
    const info = await lstat(change.path).catch(() => undefined);
    if (info?.isDirectory()) throw failure(Object.assign(new Error(), { code: 'EISDIR' }));
    if (!info && change.content === null) continue;
    entries.push({ path: relative, write: change.content !== null, backup: info !== undefined });
    modes.set(relative, change.mode ?? (info?.isFile() ? info.mode & 0o777 : 0o644));
  }
  const journal: Journal = {
    $comment:
      'An unfinished "stackgen generate" (or init, certs, up). The next stackgen run that writes completes or undoes it. Do not edit or commit.',
    id,
    state: 'prepare',
    entries,
  };
  await writeJournal(root, journal);

  try {
    for (const entry of entries) {
      current = printable(entry.path);
      const names = stagingNames(root, entry.path, id);
      if (entry.write) {
        await makeParents(root, path.dirname(names.target));
        await writeFile(names.temp, byPath.get(entry.path)!.content!, {
          mode: modes.get(entry.path),
          flag: 'wx',
        });
      }
      if (entry.backup) await backUp(names.target, names.backup);
    }
    journal.state = 'commit';
    await writeJournal(root, journal);
  } catch (error) {
    await undoPrepared(root, journal);
    throw failure(error);
  }

  try {
    for (const entry of entries) {
      current = printable(entry.path);
      await applyEntry(root, id, entry);
    }
  } catch (error) {
    journal.state = 'rollback';
    await writeJournal(root, journal);
    await rollBack(root, journal);
    throw failure(error);
  }
  await finish(root, journal, deletions(journal));
}

function deletions(journal: Journal): string[] {
  return journal.entries.filter((e) => !e.write).map((e) => e.path);
}

/**
 * Finishes what an interrupted run left (its journal says how far it got), and removes its staged files.
 * Returns true when there was something to finish. The journal is untrusted input: every path in it must
 * be a plain path below the root, reached through real folders.
 */
export async function recoverInterrupted(root: string): Promise<boolean> {
  const journal = await readJournal(root);
  await removeJournalTemps(root);
  if (!journal) return false;
  const guard = new FolderGuard(root);
  for (const entry of journal.entries) await guard.assertRealFolders(path.join(root, entry.path));
  switch (journal.state) {
    case 'prepare':
      await undoPrepared(root, journal);
      break;
    case 'commit':
      for (const entry of journal.entries) await applyEntry(root, journal.id, entry);
      await finish(root, journal, deletions(journal));
      break;
    case 'rollback':
      await rollBack(root, journal);
  }
  return true;
}

/** The interrupted change a journal describes, for commands that only look (`generate --check`). */
export async function interruptedChange(root: string): Promise<string | undefined> {
  const journal = await readJournal(root);
  if (!journal) return undefined;
  const what = journal.state === 'prepare' ? 'was interrupted before it changed anything' : 'was interrupted';
  return `an earlier stackgen run that wrote ${journal.entries.length} files ${what} (${JOURNAL_FILE}); the next "stackgen generate" finishes it`;
}

/** Step 4 for one entry; idempotent, so recovery can run it again after a crash. */
async function applyEntry(root: string, id: string, entry: JournalEntry): Promise<void> {
  const { target, temp, backup } = stagingNames(root, entry.path, id);
  if (entry.write) {
    // Already renamed when the temporary file is gone (a run killed after this step).
    if ((await readEntry(temp)).kind === 'file') await rename(temp, target);
  } else if (entry.backup && (await readEntry(backup)).kind !== 'missing') {
    // Delete only what this change backed up: proof that the journal's entry is its own.
    await unlinkIfPresent(target);
  }
}

/** Puts every backup back, removes what the change created, then its staged files and journal. */
async function rollBack(root: string, journal: Journal): Promise<void> {
  for (const entry of [...journal.entries].reverse()) {
    const { target, temp, backup } = stagingNames(root, entry.path, journal.id);
    if (entry.backup) {
      // A target not replaced yet is the backup's own inode: the rename is then a no-op, and the
      // backup is unlinked below.
      if ((await readEntry(backup)).kind !== 'missing') await rename(backup, target);
    } else if (entry.write && (await readEntry(temp)).kind === 'missing') {
      // Created by this change (its staged file was renamed onto it).
      await unlinkIfPresent(target);
    }
  }
  await finish(
    root,
    journal,
    journal.entries.filter((e) => !e.backup).map((e) => e.path),
  );
}

/** Removes the staged files of a change that never committed, and the folders made for them. */
async function undoPrepared(root: string, journal: Journal): Promise<void> {
  await finish(
    root,
    journal,
    journal.entries.filter((e) => e.write && !e.backup).map((e) => e.path),
  );
}

/** Step 5: staged files, backups and the journal go; so do folders left empty where `emptied` were. */
async function finish(root: string, journal: Journal, emptied: string[]): Promise<void> {
  for (const entry of journal.entries) {
    const { temp, backup } = stagingNames(root, entry.path, journal.id);
    await unlinkIfPresent(backup);
    await unlinkIfPresent(temp);
  }
  await removeJournal(root);
  await removeEmptyParents(root, emptied);
}

/** A hard link keeps the original at no cost; where links are not possible, a copy. */
async function backUp(target: string, backup: string): Promise<void> {
  await link(target, backup).catch(async (error: NodeJS.ErrnoException) => {
    if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(error.code ?? '')) throw error;
    // A link being replaced is copied as a link, never through it.
    if ((await lstat(target)).isSymbolicLink()) await symlink(await readlink(target), backup);
    else await copyFile(target, backup, 1 /* COPYFILE_EXCL */);
  });
}

async function writeJournal(root: string, journal: Journal): Promise<void> {
  const file = path.join(root, JOURNAL_FILE);
  const temp = `${file}.${journal.id}.tmp`;
  const handle = await open(temp, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(journal, null, 2)}\n`);
    // The journal is what recovery trusts: it must be on disk before the step it announces.
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

async function readJournal(root: string): Promise<Journal | undefined> {
  const file = path.join(root, JOURNAL_FILE);
  const entry = await readEntry(file);
  if (entry.kind === 'missing') return undefined;
  const invalid = () =>
    new OperationError(
      `${JOURNAL_FILE} is not a journal stackgen wrote; remove it if no stackgen run is writing in ${printable(root)}`,
    );
  if (entry.kind !== 'file') throw invalid();
  let journal: Journal;
  try {
    journal = JSON.parse(entry.content) as Journal;
  } catch {
    throw invalid();
  }
  const valid =
    typeof journal.id === 'string' &&
    /^\d+-[0-9a-f]{8}$/.test(journal.id) &&
    ['prepare', 'commit', 'rollback'].includes(journal.state) &&
    Array.isArray(journal.entries) &&
    journal.entries.every(
      (e) =>
        typeof e?.path === 'string' &&
        isPlainRelative(e.path) &&
        path.posix.basename(e.path) !== JOURNAL_FILE &&
        typeof e.write === 'boolean' &&
        typeof e.backup === 'boolean',
    );
  if (!valid) throw invalid();
  return journal;
}

async function removeJournal(root: string): Promise<void> {
  await unlinkIfPresent(path.join(root, JOURNAL_FILE));
}

/** A journal being written when the run was killed. */
async function removeJournalTemps(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    if (/^\.stackgen-journal\.json\.\d+-[0-9a-f]{8}\.tmp$/.test(name))
      await unlinkIfPresent(path.join(root, name));
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Creates missing parent folders (never through a link: the guard checked them). */
async function makeParents(root: string, dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; d !== root && d.startsWith(root); d = path.dirname(d)) {
    const info = await lstat(d).catch(() => undefined);
    if (info) break;
    missing.unshift(d);
  }
  for (const d of missing) await mkdir(d);
}

/** After deletions, drop the folders they left empty, up to (never including) the root. */
async function removeEmptyParents(root: string, files: string[]): Promise<void> {
  const dirs = new Set<string>();
  for (const file of files) {
    for (let d = path.posix.dirname(file); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  }
  for (const dir of [...dirs].sort().reverse()) {
    await rmdir(path.join(root, dir)).catch(() => undefined);
  }
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

function reason(error: unknown): string {
  if (error instanceof OperationError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (error as Error).message;
}

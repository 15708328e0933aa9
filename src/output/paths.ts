/**
 * The paths stackgen writes, reads back and deletes. Every one is resolved strictly below the project
 * root and is never followed through a symbolic link: a link in a generated tree (committed by someone,
 * or planted) would otherwise let a write, a read-back or an orphan's deletion reach a file elsewhere.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OperationError } from '../errors.js';
import { printable } from '../io.js';

/** What is on disk at a path, looked at without following a link. */
export type DiskEntry =
  | { kind: 'missing' }
  | { kind: 'file'; content: string; mode: number }
  | { kind: 'link' }
  | { kind: 'folder' }
  | { kind: 'other' };

/** A path for messages: relative to the root, forward slashes, control characters escaped. */
export function shown(root: string, file: string): string {
  return printable(path.relative(root, file).split(path.sep).join('/'));
}

/** True when a relative path (forward slashes) stays inside its folder: no `..`, not absolute, no NUL. */
export function isPlainRelative(file: string): boolean {
  if (file === '' || file.includes('\0') || file.includes('\\') || path.posix.isAbsolute(file)) return false;
  const normal = path.posix.normalize(file);
  return normal === file && normal !== '.' && normal !== '..' && !normal.startsWith('../');
}

/** `file` (absolute) as a path below `root`, or an OperationError when it is not below it. */
export function insideRoot(root: string, file: string): string {
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new OperationError(
      `${printable(file)}: outside the project ${printable(root)}; nothing was changed`,
    );
  }
  return relative;
}

/**
 * Checks that every folder between the root and `file` is a real folder (or missing), never a link.
 * Results are cached per instance: one generation checks each folder once.
 */
export class FolderGuard {
  private readonly checked = new Map<string, 'folder' | 'missing'>();

  constructor(readonly root: string) {}

  /** Throws an OperationError naming the first link (or file) found where a folder should be. */
  async assertRealFolders(file: string): Promise<void> {
    const parts = insideRoot(this.root, file).split(path.sep).slice(0, -1);
    let dir = this.root;
    for (const part of parts) {
      dir = path.join(dir, part);
      const known = this.checked.get(dir);
      if (known === 'missing') return;
      if (known === 'folder') continue;
      const info = lstatOrUndefined(dir);
      if (!info) {
        this.checked.set(dir, 'missing');
        return;
      }
      if (info.isSymbolicLink()) {
        throw new OperationError(
          `${shown(this.root, dir)} is a symbolic link; stackgen only writes, reads and deletes generated files inside real folders. Replace the link with a folder, then run again`,
        );
      }
      if (!info.isDirectory()) {
        throw new OperationError(`${shown(this.root, dir)} is a file where a folder should be`);
      }
      this.checked.set(dir, 'folder');
    }
  }

  /** Forgets what was learnt about folders (after they were created or removed). */
  reset(): void {
    this.checked.clear();
  }

  /** What is at `file`, without following links, after checking its folders. */
  async read(file: string): Promise<DiskEntry> {
    await this.assertRealFolders(file);
    return readEntry(file);
  }
}

/**
 * What is at `file`, without following a link at its last component (opened with O_NOFOLLOW, so a link
 * swapped in after a check is not followed either). Folders above it are not checked here.
 */
export async function readEntry(file: string): Promise<DiskEntry> {
  // Synchronous calls: a generation reads hundreds of small files, and each asynchronous call would be
  // a round trip through libuv's thread pool.
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at a generated path must not hang the run.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'link' };
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return { kind: 'folder' };
    if (!info.isFile()) return { kind: 'other' };
    return { kind: 'file', content: readFileSync(fd, 'utf8'), mode: info.mode & 0o777 };
  } finally {
    closeSync(fd);
  }
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Compares what a stack renders to with what is in its output folder: which files are missing, stale
 * (still exactly as stackgen wrote them, but the stack changed), hand-edited, foreign (never written by
 * stackgen) or orphaned (written by stackgen for a stack that no longer produces them).
 * The manifest in the output folder records every generated file and its sha256.
 */
import path from 'node:path';
import { headerIntact, sha256 } from '../render/marker.js';
import type { RenderPlan } from '../render/plan.js';
import { FolderGuard, isPlainRelative, type DiskEntry } from './paths.js';
import { compareText } from '../compare.js';

export const MANIFEST_PATH = '.stackgen/manifest.json';

export type FileStatus =
  'current' | 'missing' | 'stale' | 'hand-edited' | 'foreign' | 'orphaned' | 'orphaned-edited';

export interface FileState {
  /** Relative to the output folder, with forward slashes. */
  path: string;
  status: FileStatus;
  /** What is on disk now (undefined when missing, or when it is not a regular file). */
  disk?: string;
  /** What is on disk when it is not a regular file: never read, never diffed. */
  notAFile?: 'link' | 'folder' | 'other';
  /** What stackgen would write (undefined for orphans). */
  rendered?: string;
}

/** Statuses that `generate` refuses to overwrite or delete without --force. */
export const CONFLICTS: readonly FileStatus[] = ['hand-edited', 'foreign', 'orphaned-edited'];

export interface Manifest {
  $comment: string;
  stack: string;
  files: Record<string, string>;
}

/**
 * Paths in an output folder that hold secrets or keys (the .env, the development certificates):
 * never generated, so never an orphan to delete, and never read back for a diff.
 */
export function isSecretPath(file: string): boolean {
  return file === '.env' || file.startsWith('tls/') || file.startsWith('.stackgen/');
}

export function manifestFor(plan: RenderPlan): string {
  const manifest: Manifest = {
    $comment:
      'Written by "stackgen generate": the files it owns in this folder and their sha256. Do not edit.',
    stack: plan.stack.sourceFile,
    files: Object.fromEntries(plan.files.map((f) => [f.path, sha256(f.content)])),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function compareWithDisk(
  root: string,
  plan: RenderPlan,
  guard = new FolderGuard(root),
): Promise<FileState[]> {
  const outDir = path.resolve(root, plan.stack.output);
  const recorded = await readManifest(guard, outDir);
  const states: FileState[] = [];
  const planned = [...plan.files, { path: MANIFEST_PATH, content: manifestFor(plan) }];
  for (const file of planned) {
    const entry = await guard.read(path.join(outDir, file.path));
    const disk = entry.kind === 'file' ? entry.content : undefined;
    states.push({
      path: file.path,
      status: classify(file.path, entry, file.content, recorded),
      disk,
      ...notAFile(entry),
      rendered: file.content,
    });
  }
  const plannedPaths = new Set(planned.map((f) => f.path));
  for (const [orphan, hash] of Object.entries(recorded)) {
    if (plannedPaths.has(orphan) || !isPlainRelative(orphan) || isSecretPath(orphan)) continue;
    // stackgen writes regular files in real folders only: anything else was never its own.
    const entry = await guard.read(path.join(outDir, orphan)).catch(() => undefined);
    if (entry?.kind !== 'file') continue;
    states.push({
      path: orphan,
      status: sha256(entry.content) === hash ? 'orphaned' : 'orphaned-edited',
      disk: entry.content,
    });
  }
  return states.sort((a, b) => compareText(a.path, b.path));
}

function notAFile(entry: DiskEntry): Pick<FileState, 'notAFile'> {
  return entry.kind === 'link' || entry.kind === 'folder' || entry.kind === 'other'
    ? { notAFile: entry.kind }
    : {};
}

function classify(
  file: string,
  entry: DiskEntry,
  rendered: string,
  recorded: Record<string, string>,
): FileStatus {
  if (entry.kind === 'missing') return 'missing';
  // A link (even to the right content), a folder or a device is never stackgen's.
  if (entry.kind !== 'file') return 'foreign';
  const disk = entry.content;
  if (disk === rendered) return 'current';
  // The manifest is stackgen's own bookkeeping: rewriting it is always safe.
  if (file === MANIFEST_PATH) return 'stale';
  const known = recorded[file];
  if (known !== undefined) return sha256(disk) === known ? 'stale' : 'hand-edited';
  // No manifest entry (the manifest was lost, or the file predates it): trust an intact header.
  const header = headerIntact(disk);
  return header === true ? 'stale' : header === false ? 'hand-edited' : 'foreign';
}

/** The manifest is untrusted input: only string hashes of plain relative paths count. */
async function readManifest(guard: FolderGuard, outDir: string): Promise<Record<string, string>> {
  const entry = await guard.read(path.join(outDir, MANIFEST_PATH));
  if (entry.kind !== 'file') return {};
  try {
    const files = (JSON.parse(entry.content) as Partial<Manifest>).files;
    if (!files || typeof files !== 'object' || Array.isArray(files)) return {};
    return Object.fromEntries(
      Object.entries(files).filter(([file, hash]) => typeof hash === 'string' && isPlainRelative(file)),
    );
  } catch {
    // A damaged manifest protects nothing; headers still tell generated files from edited ones.
    return {};
  }
}

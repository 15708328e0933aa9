/**
 * Compares what a stack renders to with what is in its output folder: which files are missing, stale
 * (still exactly as stackgen wrote them, but the stack changed), hand-edited, foreign (never written by
 * stackgen) or orphaned (written by stackgen for a stack that no longer produces them).
 * The manifest in the output folder records every generated file and its sha256.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { headerIntact, sha256 } from '../render/marker.js';
import type { RenderPlan } from '../render/plan.js';

export const MANIFEST_PATH = '.stackgen/manifest.json';

export type FileStatus =
  'current' | 'missing' | 'stale' | 'hand-edited' | 'foreign' | 'orphaned' | 'orphaned-edited';

export interface FileState {
  /** Relative to the output folder, with forward slashes. */
  path: string;
  status: FileStatus;
  /** What is on disk now (undefined when missing). */
  disk?: string;
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

export function manifestFor(plan: RenderPlan): string {
  const manifest: Manifest = {
    $comment:
      'Written by "stackgen generate": the files it owns in this folder and their sha256. Do not edit.',
    stack: plan.stack.sourceFile,
    files: Object.fromEntries(plan.files.map((f) => [f.path, sha256(f.content)])),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function compareWithDisk(root: string, plan: RenderPlan): Promise<FileState[]> {
  const outDir = path.resolve(root, plan.stack.output);
  const recorded = await readManifest(outDir);
  const states: FileState[] = [];
  const planned = [...plan.files, { path: MANIFEST_PATH, content: manifestFor(plan) }];
  for (const file of planned) {
    const disk = await readIfExists(path.join(outDir, file.path));
    states.push({
      path: file.path,
      status: classify(file.path, disk, file.content, recorded),
      disk,
      rendered: file.content,
    });
  }
  const plannedPaths = new Set(planned.map((f) => f.path));
  for (const [orphan, hash] of Object.entries(recorded)) {
    if (plannedPaths.has(orphan) || !insideFolder(orphan)) continue;
    const disk = await readIfExists(path.join(outDir, orphan));
    if (disk === undefined) continue;
    states.push({ path: orphan, status: sha256(disk) === hash ? 'orphaned' : 'orphaned-edited', disk });
  }
  return states.sort((a, b) => a.path.localeCompare(b.path));
}

function classify(
  file: string,
  disk: string | undefined,
  rendered: string,
  recorded: Record<string, string>,
): FileStatus {
  if (disk === undefined) return 'missing';
  if (disk === rendered) return 'current';
  // The manifest is stackgen's own bookkeeping: rewriting it is always safe.
  if (file === MANIFEST_PATH) return 'stale';
  const known = recorded[file];
  if (known !== undefined) return sha256(disk) === known ? 'stale' : 'hand-edited';
  // No manifest entry (the manifest was lost, or the file predates it): trust an intact header.
  const header = headerIntact(disk);
  return header === true ? 'stale' : header === false ? 'hand-edited' : 'foreign';
}

async function readManifest(outDir: string): Promise<Record<string, string>> {
  const text = await readIfExists(path.join(outDir, MANIFEST_PATH));
  if (text === undefined) return {};
  try {
    const files = (JSON.parse(text) as Partial<Manifest>).files;
    return files && typeof files === 'object' ? files : {};
  } catch {
    // A damaged manifest protects nothing; headers still tell generated files from edited ones.
    return {};
  }
}

/** The manifest is untrusted input: only plain relative paths inside the output folder count. */
function insideFolder(file: string): boolean {
  const normal = path.posix.normalize(file);
  return (
    !path.posix.isAbsolute(normal) && !normal.startsWith('../') && normal !== '..' && !file.includes('\\')
  );
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return '';
    throw error;
  }
}

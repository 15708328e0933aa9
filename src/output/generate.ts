/**
 * From loaded stacks to the file changes that bring their output folders up to date: render, check,
 * compare with the disk, and collect what to write, what to delete and what would be lost.
 * Writing is left to the caller (`applyChanges`), so init and generate commit everything at once.
 */
import path from 'node:path';
import { renderChecked } from '../check/rendered.js';
import type { LoadedStack } from '../model/load.js';
import type { Stack } from '../model/normalize.js';
import type { FileChange } from './atomic.js';
import { CONFLICTS, compareWithDisk, type FileState } from './drift.js';
import { FolderGuard } from './paths.js';
import { gitignoreChange, secretsChanges } from './secrets.js';
import { tlsChanges } from './tls-changes.js';

export interface StackOutcome {
  stack: Stack;
  states: FileState[];
  /** Secrets given a new random value in the stack's .env. */
  secretsCreated: string[];
  /** Development certificates created (relative to the output folder). */
  certificatesCreated: string[];
  /** The mode of the stack's .env was narrowed to 0600. */
  envTightened: boolean;
}

export interface GenerationPlan {
  outcomes: StackOutcome[];
  changes: FileChange[];
  /** Files that would lose hand edits (or were never stackgen's) without --force. */
  conflicts: { stack: Stack; state: FileState }[];
}

export async function planGeneration(
  root: string,
  stacks: Pick<LoadedStack, 'stack' | 'locate'>[],
  options: { force: boolean },
): Promise<GenerationPlan> {
  const outcomes: StackOutcome[] = [];
  const changes: FileChange[] = [];
  const conflicts: GenerationPlan['conflicts'] = [];
  const ignore: string[] = [];
  const guard = new FolderGuard(root);
  for (const loaded of stacks) {
    const { stack } = loaded;
    const plan = await renderChecked(loaded);
    const states = await compareWithDisk(root, plan, guard);
    const outDir = path.resolve(root, stack.output);
    for (const state of states) {
      if (state.status === 'current') continue;
      if (CONFLICTS.includes(state.status)) {
        conflicts.push({ stack, state });
        if (!options.force) continue;
      }
      changes.push({ path: path.join(outDir, state.path), content: state.rendered ?? null });
    }
    const secrets = await secretsChanges(root, plan, guard);
    const tls = await tlsChanges(root, stack, { renew: false }, guard);
    changes.push(...secrets.changes, ...tls.changes);
    ignore.push(...secrets.ignore, ...tls.ignore);
    outcomes.push({
      stack,
      states,
      secretsCreated: secrets.created,
      certificatesCreated: tls.created,
      envTightened: secrets.tightened,
    });
  }
  const gitignore = await gitignoreChange(root, ignore);
  if (gitignore) changes.push(gitignore);
  return { outcomes, changes, conflicts };
}

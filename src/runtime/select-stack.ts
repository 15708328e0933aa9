/**
 * Which stack a runtime command acts on: the one named (by stack name or file), else the only one in
 * stacks/; with several, ask on a terminal and otherwise say which names exist.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatIssue, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import type { LoadedStack } from '../model/load.js';
import type { App, Stack } from '../model/normalize.js';
import { didYouMean } from '../model/rules.js';
import { findStackFiles, loadStacks } from '../project.js';

export async function selectStack(
  cwd: string,
  io: Io,
  wanted: string | undefined,
  command: string,
  /** Where the command was run: a stack file named is relative to it. */
  base = cwd,
): Promise<LoadedStack> {
  if (wanted && (/\.ya?ml$/.test(wanted) || wanted.includes('/')) && existsSync(path.resolve(base, wanted))) {
    return report(io, (await loadStacks(cwd, await findStackFiles(cwd, [wanted], base)))[0]!);
  }
  return pickStack(await loadStacks(cwd, await findStackFiles(cwd, [])), io, wanted, command);
}

/** The stack named `wanted` among `all`, or the only one, or the one the user picks. */
export async function pickStack(
  all: LoadedStack[],
  io: Io,
  wanted: string | undefined,
  command: string,
): Promise<LoadedStack> {
  const names = all.map((l) => l.stack.name);
  if (wanted) {
    const match = all.find((l) => l.stack.name === wanted);
    if (!match)
      throw new UsageError(
        `no stack named "${wanted}" in stacks/ (stacks: ${names.join(', ')})${didYouMean(wanted, names)}`,
      );
    return report(io, match);
  }
  if (all.length === 1) return report(io, all[0]!);
  if (io.ask) {
    const answer = (await io.ask(`Which stack? (${names.join(', ')}): `)).trim();
    const match = all.find((l) => l.stack.name === answer);
    if (match) return report(io, match);
    throw new UsageError(`no stack named "${answer}" (stacks: ${names.join(', ')})`);
  }
  throw new UsageError(
    `stacks/ holds several stacks (${names.join(', ')}): name one, e.g. "stackgen ${command} ${names[0]}"`,
  );
}

function report(io: Io, loaded: LoadedStack): LoadedStack {
  for (const warning of loaded.warnings) io.err(formatIssue(warning));
  return loaded;
}

/** The app of the stack named `name` (its `name`, by default its service). */
export function findApp(stack: Stack, name: string): App {
  const services = stack.apps.map((a) => a.name);
  const match = stack.apps.find((a) => a.name === name);
  if (match) return match;
  if (services.length === 0) {
    throw new UsageError(
      `the ${stack.name} stack lists no apps (${stack.sourceFile}: apps); add "${name}" there, or leave out --app`,
    );
  }
  throw new UsageError(
    `no app "${name}" in the ${stack.name} stack (apps: ${services.join(', ')})${didYouMean(name, services)}`,
  );
}

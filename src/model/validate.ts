/**
 * Validation in two steps around what `load.ts` reads from disk (app compose files, user files): the schema
 * (`parse.ts`), then, here, derived defaults and cross-field rules. Problems carry field paths; `load.ts`,
 * the one way in for users and tests alike, turns them into file:line:col positions.
 */
import type { AppFacts } from './app-facts.js';
import { normalizeStack, type Stack } from './normalize.js';
import { checkRules, type FieldPath, type RuleIssue } from './rules.js';
import type { StackParsed } from './schema.js';
import type { UserFiles } from './user-files.js';

/** A problem at a field. `at: 'key'` points at the key itself (unknown keys), else at its value. */
export interface PathIssue extends RuleIssue {
  at?: 'key';
}

/** Derived defaults and cross-field rules, on a stack that passed the schema. */
export function finishStack(
  parsed: StackParsed,
  sourceFile: string,
  appFacts?: ReadonlyMap<number, AppFacts>,
  userFiles?: UserFiles,
): { stack: Stack; issues: PathIssue[] } {
  const stack = normalizeStack(parsed, sourceFile, appFacts, userFiles);
  return { stack, issues: checkRules(stack, parsed) };
}

export type { FieldPath };

/**
 * Errors that end a command. `main.ts` is the only place that turns them into exit codes:
 * 0 success, 1 a check or an operation failed, 2 invalid input or usage.
 */
import { compareText } from './compare.js';

/** A problem found in a stack file, located at its source. */
export interface Issue {
  /** Path of the stack file, relative to the project root. */
  file: string;
  /** 1-based line and column of the offending node, when known. */
  line?: number;
  col?: number;
  /** Dot path of the field, e.g. `collector.batch.timeout` or `apps[0].networks[1]`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatIssue(issue: Issue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col ?? 1}`;
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where} ${prefix}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** Orders issues as a reader walks the file: by file, then line, then column. */
export function byPosition(a: Issue, b: Issue): number {
  return compareText(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

/** Base of every error that maps to an exit code. Its message is shown to the user as is. */
export class ExitError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments or missing files the user named: exit 2. */
export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** One or more stack files are invalid: exit 2. */
export class StackInvalidError extends ExitError {
  readonly issues: Issue[];

  constructor(issues: Issue[]) {
    const sorted = [...issues].sort(byPosition);
    const errors = sorted.filter((i) => i.severity === 'error').length;
    super(
      [...sorted.map(formatIssue), `${errors} error${errors === 1 ? '' : 's'} in stack definition`].join(
        '\n',
      ),
      2,
    );
    this.issues = sorted;
  }
}

/** A check failed (drift, a refused overwrite) or an operation failed (docker, the file system): exit 1. */
export class OperationError extends ExitError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * stackgen produced something it should never produce (an output that does not parse back, a compose file
 * the compose schema rejects). Nothing is written; the user is asked to report it.
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

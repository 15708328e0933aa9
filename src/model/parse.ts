/**
 * The schema step of validation: a stack file's content through the zod model (types, formats, unknown
 * keys), its problems as field paths. Loaded only when a stack file is not in the cache (parse-cache.ts):
 * zod is the slowest module to start.
 */
import type { z } from 'zod';
import { knownKeys } from './json-schema.js';
import { didYouMean } from './rules.js';
import { StackSchema, type StackParsed } from './schema.js';
import type { PathIssue } from './validate.js';

export type ParseResult = { parsed: StackParsed; issues: [] } | { parsed: undefined; issues: PathIssue[] };

export function parseStack(raw: unknown): ParseResult {
  const result = StackSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { parsed: result.data, issues: [] };
  return { parsed: undefined, issues: result.error.issues.flatMap(toPathIssues) };
}

type ZodIssue = z.core.$ZodIssue;

function toPathIssues(issue: ZodIssue): PathIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      at: 'key' as const,
      message: `unknown key "${key}"${didYouMean(key, known) || (known.length ? ` (allowed: ${known.join(', ')})` : '')}`,
      severity: 'error' as const,
    }));
  }
  if (issue.code === 'invalid_key') {
    // A record's key failed its own schema: report that schema's message at the key.
    return issue.issues.map((inner) => ({
      path,
      at: 'key' as const,
      message: describeIssue(inner as ZodIssue),
      severity: 'error' as const,
    }));
  }
  return [{ path, message: describeIssue(issue), severity: 'error' }];
}

function describeIssue(issue: ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `is required (${expectedType(issue.expected)})`;
      return `expected ${expectedType(issue.expected)}, got ${show(input)}${booleanHint(issue.expected, input)}`;
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      if (input === undefined) return `is required (one of ${options.join(', ')})`;
      const hint = typeof input === 'string' ? didYouMean(input, options) : '';
      return `expected one of ${options.join(', ')}, got ${show(input)}${hint}`;
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive !== false;
      const word =
        issue.code === 'too_small'
          ? inclusive
            ? 'at least'
            : 'greater than'
          : inclusive
            ? 'at most'
            : 'less than';
      if (issue.origin === 'array') return `needs ${word} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `needs ${word} ${bound} characters, got ${show(input)}`;
      return `must be ${word} ${bound}, got ${show(input)}`;
    }
    case 'invalid_format':
    case 'invalid_union':
    case 'custom':
      return `${issue.message}, got ${show(input)}`;
    default:
      return issue.message;
  }
}

function expectedType(expected: string): string {
  return expected === 'int'
    ? 'an integer'
    : expected === 'array'
      ? 'a list'
      : expected === 'object'
        ? 'a mapping'
        : `a ${expected}`;
}

function show(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${String(value)}`;
}

/** YAML 1.2 reads yes/no/on/off as strings; users coming from YAML 1.1 expect booleans. */
function booleanHint(expected: string, input: unknown): string {
  return expected === 'boolean' && typeof input === 'string' && /^(yes|no|on|off|y|n)$/i.test(input)
    ? ' (write true or false)'
    : '';
}

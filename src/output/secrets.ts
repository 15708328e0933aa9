/**
 * The stack's .env: secrets with random values, beside compose.yaml, never committed. It is created when
 * missing and only ever appended to: a value once written is never replaced, so rotating a password is
 * the user's decision. The project's .gitignore gets a line for it when stackgen creates it.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Stack } from '../model/normalize.js';
import type { RenderPlan } from '../render/plan.js';
import type { FileChange } from './atomic.js';
import { readIfExists } from './drift.js';

/**
 * 24 characters of base64url: no `$` (compose would interpolate it), no quotes, no spaces, safe in a URL.
 * A password also gets a dash, an upper and a lower case letter and a digit, which password rules want.
 */
export function randomSecret(kind: 'token' | 'password' = 'token'): string {
  const token = randomBytes(18).toString('base64url');
  return kind === 'password' ? `${token}-Aa1` : token;
}

export function envFilePath(stack: Stack): string {
  return `${stack.output}/.env`;
}

/** Names defined in a dotenv text (KEY=… lines, comments and blanks ignored). */
export function envKeys(text: string): Set<string> {
  return new Set(Object.keys(parseEnv(text)));
}

/** The KEY=value pairs of a dotenv text; a value in matching quotes loses them. */
export function parseEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

export interface SecretsChange {
  changes: FileChange[];
  /** Names given a new random value. */
  created: string[];
  /** Lines the project's .gitignore must hold (see gitignoreChange). */
  ignore: string[];
}

/** What to write so the stack's .env holds every secret it needs, and git ignores it. */
export async function secretsChanges(root: string, plan: RenderPlan): Promise<SecretsChange> {
  if (plan.secrets.length === 0) return { changes: [], created: [], ignore: [] };
  const relative = envFilePath(plan.stack);
  const file = path.resolve(root, relative);
  const existing = await readIfExists(file);
  const have = envKeys(existing ?? '');
  const missing = plan.secrets.filter((s) => !have.has(s.name));
  if (missing.length === 0) return { changes: [], created: [], ignore: [] };

  const lines = missing.flatMap((s) => [`# ${s.description}`, `${s.name}=${randomSecret(s.kind)}`]);
  const head =
    existing === undefined
      ? [`# Secrets of ${plan.stack.sourceFile}, created by stackgen. Keep this file out of git.`, '']
      : existing.endsWith('\n') || existing === ''
        ? []
        : [''];
  const content = `${existing ?? ''}${[...head, ...lines].join('\n')}\n`;
  return {
    changes: [{ path: file, content, mode: 0o600 }],
    created: missing.map((s) => s.name),
    ignore: existing === undefined ? [`/${relative}`] : [],
  };
}

/** Appends the entries the project's .gitignore lacks, in one change (several stacks may add some). */
export async function gitignoreChange(root: string, entries: string[]): Promise<FileChange | undefined> {
  const file = path.join(root, '.gitignore');
  const existing = (await readIfExists(file)) ?? '';
  const lines = existing.split(/\r?\n/).map((l) => l.trim());
  const missing = [...new Set(entries)].filter(
    (e) => !lines.includes(e) && !lines.includes(e.replace(/^\//, '')),
  );
  if (missing.length === 0) return undefined;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return {
    path: file,
    content: `${existing}${separator}# Secrets written by stackgen\n${missing.join('\n')}\n`,
  };
}

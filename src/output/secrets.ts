/**
 * The stack's .env: secrets with random values, beside compose.yaml, never committed. It is created when
 * missing and only ever appended to: a value once written is never replaced, so rotating a password is
 * the user's decision. The project's .gitignore keeps a line for it (restored when lost).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { OperationError, StackInvalidError, type Issue } from '../errors.js';
import type { Stack } from '../model/normalize.js';
import type { RenderPlan, Secret } from '../render/plan.js';
import type { FileChange } from './atomic.js';
import { FolderGuard, readEntry } from './paths.js';

/**
 * 24 characters of base64url: no `$` (compose would interpolate it), no quotes, no spaces, safe in a URL.
 * A password also gets a dash, an upper and a lower case letter and a digit, which password rules want.
 */
export function randomSecret(kind: Secret['kind'] = 'token'): string {
  if (kind === 'id') return randomUUID();
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
  return Object.fromEntries(envLines(text).map(({ name, value }) => [name, value]));
}

function envLines(text: string): { name: string; value: string; line: number }[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    return match ? [{ name: match[1]!, value: match[2]!.replace(/^(['"])(.*)\1$/, '$2'), line: i + 1 }] : [];
  });
}

/**
 * The stack's .env as it is on disk: undefined when missing. Refuses a link (its target, perhaps a
 * committed file or someone's credentials, would be read and appended to) and anything but a file.
 */
export async function readEnvFile(
  root: string,
  stack: Stack,
  guard = new FolderGuard(root),
): Promise<{ text: string; mode: number } | undefined> {
  const relative = envFilePath(stack);
  const entry = await guard.read(path.resolve(root, relative));
  if (entry.kind === 'missing') return undefined;
  if (entry.kind === 'file') return { text: entry.content, mode: entry.mode };
  throw new OperationError(
    entry.kind === 'link'
      ? `${relative} is a symbolic link; stackgen keeps the stack's secrets only in a regular file of its own, never through a link. Remove the link (and, if what it points to was committed, take that out of git), then run again`
      : `${relative} is not a regular file; remove it, then run again`,
  );
}

/** The secrets of a stack, for commands that log in (verify). */
export async function readSecrets(root: string, stack: Stack): Promise<Record<string, string>> {
  return parseEnv((await readEnvFile(root, stack))?.text ?? '');
}

export interface SecretsChange {
  changes: FileChange[];
  /** Names given a new random value. */
  created: string[];
  /** Lines the project's .gitignore must hold (see gitignoreChange). */
  ignore: string[];
  /** The mode of an existing .env was narrowed to 0600. */
  tightened: boolean;
}

/**
 * What to write so the stack's .env holds every secret it needs, readable by its owner only, and git
 * ignores it (a lost .gitignore line comes back). An empty value is refused, located in the .env.
 */
export async function secretsChanges(
  root: string,
  plan: RenderPlan,
  guard = new FolderGuard(root),
): Promise<SecretsChange> {
  const none: SecretsChange = { changes: [], created: [], ignore: [], tightened: false };
  if (plan.secrets.length === 0) return none;
  const relative = envFilePath(plan.stack);
  const file = path.resolve(root, relative);
  const existing = await readEnvFile(root, plan.stack, guard);
  const lines = envLines(existing?.text ?? '');
  const empty = lines.filter((l) => l.value === '' && plan.secrets.some((s) => s.name === l.name));
  if (empty.length) {
    throw new StackInvalidError(
      empty.map((l): Issue => ({
        file: relative,
        line: l.line,
        col: 1,
        path: l.name,
        message: 'is empty; set a value, or delete the line and stackgen generates a random one',
        severity: 'error',
      })),
    );
  }
  const have = new Set(lines.map((l) => l.name));
  const missing = plan.secrets.filter((s) => !have.has(s.name) && (!s.onlyWithNewEnv || !existing));
  const tightened = existing !== undefined && (existing.mode & 0o077) !== 0;
  const ignore = [`/${relative}`];
  if (missing.length === 0 && !tightened) return { ...none, ignore };

  const content = withEntries(
    plan.stack,
    existing?.text,
    missing.map((s) => ({ ...s, value: randomSecret(s.kind) })),
  );
  return {
    changes: [{ path: file, content, mode: 0o600 }],
    created: missing.map((s) => s.name),
    ignore,
    tightened,
  };
}

/** A .env text with entries appended (each after its description), what is there kept as written. */
function withEntries(
  stack: Stack,
  text: string | undefined,
  entries: { name: string; value: string; description: string }[],
): string {
  const head =
    text === undefined
      ? [`# Secrets of ${stack.sourceFile}, created by stackgen. Keep this file out of git.`, '']
      : text.endsWith('\n') || text === '' || entries.length === 0
        ? []
        : [''];
  const added = entries.flatMap((e) => [`# ${e.description}`, `${e.name}=${e.value}`]);
  return `${text ?? ''}${[...head, ...added].map((l) => `${l}\n`).join('')}`;
}

/** The change appending one value to an existing .env (a value stackgen learnt, such as an id). */
export async function envAppendChange(
  root: string,
  stack: Stack,
  entry: { name: string; value: string; description: string },
): Promise<FileChange> {
  const existing = await readEnvFile(root, stack);
  return {
    path: path.resolve(root, envFilePath(stack)),
    content: withEntries(stack, existing?.text, [entry]),
    mode: 0o600,
  };
}

/** Appends the entries the project's .gitignore lacks, in one change (several stacks may add some). */
export async function gitignoreChange(root: string, entries: string[]): Promise<FileChange | undefined> {
  if (entries.length === 0) return undefined;
  const file = path.join(root, '.gitignore');
  const entry = await readEntry(file);
  if (entry.kind !== 'file' && entry.kind !== 'missing') {
    throw new OperationError(
      `.gitignore is ${entry.kind === 'link' ? 'a symbolic link' : 'not a regular file'}; stackgen does not write through it. Make it a file holding these lines: ${entries.join(' ')}`,
    );
  }
  const existing = entry.kind === 'file' ? entry.content : '';
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

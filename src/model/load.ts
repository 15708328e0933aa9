/**
 * Reading stack files: the only file I/O of the model. Turns YAML and validation problems into issues
 * located at `file:line:col`, using the node positions the `yaml` library keeps.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { StackInvalidError, type Issue } from '../errors.js';
import { normalPath, type Stack } from './normalize.js';
import { readAppFacts } from './app-facts.js';
import { checkUserFiles } from './user-file-checks.js';
import { readUserFiles } from './user-files.js';
import type { StackParsed } from './schema.js';
import { finishStack, type PathIssue } from './validate.js';
import { locate, type Source } from './locate.js';
import { ParsedStackCache } from './parse-cache.js';
import { cacheMissed } from '../cache-folder.js';

export interface LoadedStack {
  stack: Stack;
  warnings: Issue[];
  /** The source position of a field, for problems found later (across stacks, at run time). */
  locate(path: (string | number)[]): Pick<Issue, 'file' | 'line' | 'col' | 'path'>;
}

/**
 * Reads and validates one stack file. `file` is relative to `root` (the project root); issues name it so.
 * Throws StackInvalidError with every problem found.
 */
export async function loadStack(root: string, file: string): Promise<LoadedStack> {
  const text = await readText(root, file);
  return loadStackText(root, file, text);
}

export async function loadStackText(
  root: string,
  file: string,
  text: string,
  cache = ParsedStackCache.open(),
): Promise<LoadedStack> {
  const source = lazySource(file, text);
  const yamlIssues: Issue[] = [];
  const absolute = path.resolve(root, file);
  let parsed = cache.get(absolute, text) as StackParsed | undefined;
  if (parsed === undefined) {
    const raw = parseWithPositions(source, yamlIssues);
    cacheMissed();
    const result = (await import('./parse.js')).parseStack(raw);
    if (!result.parsed)
      throw new StackInvalidError([...yamlIssues, ...result.issues.map((i) => locate(source, i))]);
    parsed = result.parsed;
    // Kept only when parsing had nothing to say, so a later run from the cache misses no warning.
    if (yamlIssues.length === 0) cache.put(absolute, text, parsed);
  }

  const facts = await readAppFacts(root, parsed);
  const user = await readUserFiles(root, parsed, normalPath);
  const finished = finishStack(parsed, file.split(path.sep).join('/'), facts.facts, user.files);
  // The X.509 library is loaded only by stacks with certificates of their own.
  const tls = finished.stack.tls.files
    ? await (await import('./tls-files.js')).checkTlsFiles(root, finished.stack)
    : [];
  const all = [
    ...[...facts.issues, ...user.issues, ...finished.issues, ...tls].map((i) => locate(source, i)),
    ...checkUserFiles(finished.stack),
  ];
  const warnings = [...yamlIssues, ...all.filter((i) => i.severity === 'warning')];
  if (all.some((i) => i.severity === 'error'))
    throw new StackInvalidError([...warnings, ...all.filter((i) => i.severity === 'error')]);
  return {
    stack: finished.stack,
    warnings,
    locate: (at) => {
      const { file, line, col, path } = locate(source, { path: at, message: '', severity: 'error' });
      return { file, line, col, path };
    },
  };
}

/**
 * The text parsed with node positions only when asked: they locate problems, and a stack file taken from
 * the cache (parse-cache.ts) is parsed again only when one must be reported.
 */
function lazySource(file: string, text: string): Source {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  const parse = () => {
    if (!parsed) {
      const lines = new LineCounter();
      // YAML allows a lone CR as a line break; the parser does not. Same length, so positions hold.
      const doc = parseDocument(text.replace(/\r(?!\n)/g, '\n'), { lineCounter: lines, uniqueKeys: true });
      parsed = { doc, lines };
    }
    return parsed;
  };
  return {
    file,
    get doc() {
      return parse().doc;
    },
    get lines() {
      return parse().lines;
    },
  };
}

/** The stack file's content; throws its YAML errors, and adds its YAML warnings to `issues`. */
function parseWithPositions(source: Source, issues: Issue[]): unknown {
  const { file, doc } = source;
  const yamlIssue =
    (severity: Issue['severity']) =>
    (e: YAMLError): Issue => ({
      file,
      line: e.linePos?.[0].line,
      col: e.linePos?.[0].col,
      path: '',
      message: yamlMessage(e.message),
      severity,
    });
  issues.push(...doc.errors.map(yamlIssue('error')), ...doc.warnings.map(yamlIssue('warning')));
  if (doc.errors.length) throw new StackInvalidError(issues);
  const keyIssues = unusableKeys(doc).map((i) => locate(source, i));
  if (keyIssues.length) throw new StackInvalidError([...issues, ...keyIssues]);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new StackInvalidError([
      { file, line: 1, col: 1, path: '', message: String((error as Error).message), severity: 'error' },
    ]);
  }
  if (raw === null || raw === undefined) {
    throw new StackInvalidError([
      { file, line: 1, col: 1, path: '', message: 'the stack file is empty', severity: 'error' },
    ]);
  }
  return raw;
}

async function readText(root: string, file: string): Promise<string> {
  const fail = (message: string, at: { line?: number; col?: number } = {}) =>
    new StackInvalidError([{ file, ...at, path: '', message, severity: 'error' }]);
  try {
    const full = path.resolve(root, file);
    // A stack file linked to a file outside the project is not read: an error would quote its content.
    const real = await realpath(full);
    const realRoot = await realpath(root);
    if (path.relative(realRoot, real).startsWith('..')) {
      throw fail(
        'is a symbolic link to a file outside the project; stackgen reads stack files inside it only',
      );
    }
    return decodeUtf8(await readFile(full), fail);
  } catch (error) {
    if (error instanceof StackInvalidError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new StackInvalidError([
      { file, path: '', message: `cannot read the stack file: ${reason}`, severity: 'error' },
    ]);
  }
}

/** The text of a UTF-8 file; an invalid byte is an error at its position, not a silent U+FFFD. */
function decodeUtf8(
  bytes: Buffer,
  fail: (message: string, at: { line: number; col: number }) => Error,
): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    // The first line that does not decode, and in it the first character that came out replaced.
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      const bytesOfLine = bytes.subarray(start, end === -1 ? bytes.length : end);
      try {
        strict.decode(bytesOfLine);
      } catch {
        const col = new TextDecoder('utf-8').decode(bytesOfLine).indexOf('\uFFFD') + 1;
        throw fail('is not UTF-8 text: save it as UTF-8', { line, col });
      }
      start = end + 1;
    }
  }
}

/**
 * Keys the stack model cannot hold: a list or mapping used as a key (JavaScript would stringify it) and
 * `__proto__` (dropped by JavaScript objects).
 */
function unusableKeys(doc: Document): PathIssue[] {
  const issues: PathIssue[] = [];
  const walk = (node: unknown, at: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) {
          issues.push({
            path: at,
            message: 'a key must be a plain value, not a list or mapping',
            severity: 'error',
          });
        } else if (key === '__proto__') {
          issues.push({
            path: [...at, key],
            at: 'key',
            message: '"__proto__" is not allowed as a key',
            severity: 'error',
          });
        } else walk(pair.value, [...at, key]);
      }
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...at, i]));
  };
  walk(doc.contents, []);
  return issues;
}

function yamlMessage(message: string): string {
  // The yaml library appends " at line N, column M" and a code frame; we print positions ourselves.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

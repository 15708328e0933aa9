/**
 * The user's project: where stack files are (`stacks/*.yaml` under the project root, the current
 * directory unless -C says otherwise) and the checks that span several stacks.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StackInvalidError, UsageError, type Issue } from './errors.js';
import { printable } from './io.js';
import { loadStack, type LoadedStack } from './model/load.js';

export const STACKS_DIR = 'stacks';

/** Stack files named on the command line, or every `stacks/*.yaml`; paths relative to the root. */
export async function findStackFiles(root: string, named: string[]): Promise<string[]> {
  if (named.length) {
    return Promise.all(
      named.map(async (file) => {
        const relative = path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
        const info = await stat(path.resolve(root, file)).catch(() => undefined);
        if (!info?.isFile()) throw new UsageError(`${printable(file)}: no such stack file`);
        if (relative.startsWith('../'))
          throw new UsageError(
            `${printable(file)}: outside the project ${printable(root)}; stack files live inside it`,
          );
        return assertPlainName(relative);
      }),
    );
  }
  const entries = await readdir(path.join(root, STACKS_DIR)).catch(() => [] as string[]);
  const files = entries.filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const file of files) assertPlainName(`${STACKS_DIR}/${file}`);
  if (files.length === 0) {
    throw new UsageError(
      `no stack files in ${path.join(root, STACKS_DIR)}; create one with "npx stackgen init --backend jaeger"`,
    );
  }
  return files.map((f) => `${STACKS_DIR}/${f}`);
}

/**
 * A stack file's name is printed into every generated header and message: a control character (a CR, a
 * newline, an escape sequence) would forge lines there, so such names are refused.
 */
function assertPlainName(file: string): string {
  if (printable(file) !== file) {
    throw new UsageError(
      `${printable(file)}: the file name holds control characters (shown escaped); rename the stack file`,
    );
  }
  return file;
}

/** Loads every file, then reports all their problems together; nothing is half-loaded. */
export async function loadStacks(root: string, files: string[]): Promise<LoadedStack[]> {
  const loaded: LoadedStack[] = [];
  const issues: Issue[] = [];
  for (const file of files) {
    try {
      loaded.push(await loadStack(root, file));
    } catch (error) {
      if (!(error instanceof StackInvalidError)) throw error;
      issues.push(...error.issues);
    }
  }
  issues.push(...crossStackIssues(loaded));
  if (issues.some((i) => i.severity === 'error')) throw new StackInvalidError(issues);
  return loaded;
}

/**
 * Stacks of one project share the Docker engine: their compose project names, output folders and
 * fixed network names must differ.
 */
function crossStackIssues(loaded: LoadedStack[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, string>();
  for (const { stack, locate } of loaded) {
    const claims: [string, (string | number)[], string][] = [
      [`name ${stack.name}`, ['name'], `the stack name "${stack.name}"`],
      [`output ${stack.output}`, ['output'], `the output folder ${stack.output}`],
      ...[stack.networks.observability, ...stack.networks.applications.map((n) => n.name)].map(
        (name): [string, (string | number)[], string] => [
          `network ${name}`,
          ['networks'],
          `the network name "${name}"`,
        ],
      ),
    ];
    for (const [key, at, what] of claims) {
      const other = seen.get(key);
      if (other && other !== stack.sourceFile) {
        issues.push({ ...locate(at), message: `${what} is also used by ${other}`, severity: 'error' });
      } else seen.set(key, stack.sourceFile);
    }
  }
  // One output folder inside another: each stack would delete the other's files as orphans.
  for (const { stack, locate } of loaded) {
    for (const other of loaded) {
      if (other.stack.output.startsWith(`${stack.output}/`)) {
        issues.push({
          ...locate(['output']),
          message: `${stack.output} holds the output folder of ${other.stack.sourceFile} (${other.stack.output}); give each stack a folder of its own`,
          severity: 'error',
        });
      }
    }
  }
  return issues;
}

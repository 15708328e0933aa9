/**
 * The user's project: where stack files are (`stacks/*.yaml` under the project root, the current
 * directory unless -C says otherwise) and the checks that span several stacks.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StackInvalidError, UsageError, type Issue } from './errors.js';
import { loadStack, type LoadedStack } from './model/load.js';

export const STACKS_DIR = 'stacks';

/** Stack files named on the command line, or every `stacks/*.yaml`; paths relative to the root. */
export async function findStackFiles(root: string, named: string[]): Promise<string[]> {
  if (named.length) {
    return Promise.all(
      named.map(async (file) => {
        const relative = path.relative(root, path.resolve(root, file));
        const info = await stat(path.resolve(root, file)).catch(() => undefined);
        if (!info?.isFile()) throw new UsageError(`${file}: no such stack file`);
        return relative.split(path.sep).join('/');
      }),
    );
  }
  const entries = await readdir(path.join(root, STACKS_DIR)).catch(() => [] as string[]);
  const files = entries.filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) {
    throw new UsageError(
      `no stack files in ${path.join(root, STACKS_DIR)}; create one with "npx stackgen init --backend jaeger"`,
    );
  }
  return files.map((f) => `${STACKS_DIR}/${f}`);
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
  return issues;
}

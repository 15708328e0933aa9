/**
 * The user's project: where stack files are (`stacks/*.yaml` under the project root, the current
 * directory unless -C says otherwise) and the checks that span several stacks.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StackInvalidError, UsageError, type Issue } from './errors.js';
import { printable } from './io.js';
import { loadStack, type LoadedStack } from './model/load.js';
import { ALL_INTERFACES } from './model/rules.js';

export { STACKS_DIR } from './project-root.js';
import { STACKS_DIR } from './project-root.js';

/**
 * Stack files named on the command line (relative to `base`, where the command was run), or every
 * `stacks/*.yaml`; paths relative to the root.
 */
export async function findStackFiles(root: string, named: string[], base = root): Promise<string[]> {
  if (named.length) {
    return Promise.all(
      named.map(async (file) => {
        const relative = path.relative(root, path.resolve(base, file)).split(path.sep).join('/');
        const info = await stat(path.resolve(base, file)).catch(() => undefined);
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
  // Warnings across stacks are shown with the stack they are about.
  for (const warning of issues)
    loaded.find((l) => l.stack.sourceFile === warning.file)?.warnings.push(warning);
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
  // Two stacks publishing one host port: the second `up` would fail on it.
  const published = new Map<number, { address: string; file: string; field: string }[]>();
  for (const { stack, locate } of loaded) {
    // A Swarm stack publishes on its nodes, and only as swarm.publish says.
    if (stack.target === 'swarm') continue;
    for (const [component, ports] of Object.entries(stack.exposure.ports)) {
      if (!stack.components.includes(component as (typeof stack.components)[number])) continue;
      for (const [name, port] of Object.entries(ports)) {
        if (port === false) continue;
        const field = `exposure.ports.${component}.${name}`;
        const address = stack.exposure.bindAddress;
        const clash = (published.get(port) ?? []).find(
          (p) =>
            p.address === address || ALL_INTERFACES.includes(p.address) || ALL_INTERFACES.includes(address),
        );
        if (clash && clash.file !== stack.sourceFile) {
          issues.push({
            ...locate(['exposure', 'ports', component, name]),
            message: `host port ${port} (${field}) is also published by ${clash.file} (${clash.field}), so the two stacks cannot run at the same time; give one of them another port under exposure.ports if they should`,
            severity: 'warning',
          });
        }
        published.set(port, [...(published.get(port) ?? []), { address, file: stack.sourceFile, field }]);
      }
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

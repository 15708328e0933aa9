/**
 * `stackgen init --backend <b> [--name <n>] [--force]`: writes `stacks/<name>.yaml` from the backend's
 * preset, the JSON schema editors use, and everything the stack generates, in one atomic step.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packagePath } from '../package-root.js';
import { formatIssue, OperationError, UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import { loadStackText } from '../model/load.js';
import { BACKENDS, STACK_NAME_PATTERN, type Backend } from '../model/constants.js';
import { folderLock, withLock } from '../lock.js';
import { applyChanges, recoverInterrupted } from '../output/atomic.js';
import { readEntry } from '../output/paths.js';
import { planGeneration } from '../output/generate.js';
import { STACKS_DIR } from '../project.js';
import { schemaFileChange } from './generate.js';

/** The presets shipped with stackgen: the top-level `stacks/` folder of the package. */
export const PRESETS_DIR = packagePath('stacks');

export interface InitOptions extends CommandContext {
  backend: string;
  name: string;
  force: boolean;
}

export async function init(options: InitOptions): Promise<{ stackFile: string; written: string[] }> {
  const { cwd, io } = options;
  const backend = options.backend as Backend;
  if (!BACKENDS.includes(backend)) {
    throw new UsageError(`--backend: expected one of ${BACKENDS.join(', ')}, got "${options.backend}"`);
  }
  if (!STACK_NAME_PATTERN.test(options.name) || options.name.length > 40) {
    throw new UsageError(
      `--name: expected lowercase letters, digits and dashes, starting with a letter (at most 40), got "${options.name}"`,
    );
  }

  const stackFile = `${STACKS_DIR}/${options.name}.yaml`;
  const target = path.join(cwd, stackFile);
  return withLock(folderLock(cwd), 'init', async () => {
    if (await recoverInterrupted(cwd)) io.err('Finished the writes of an earlier run that was interrupted.');
    return write(options, backend, stackFile, target);
  });
}

async function write(
  options: InitOptions,
  backend: Backend,
  stackFile: string,
  target: string,
): Promise<{ stackFile: string; written: string[] }> {
  const { cwd, io } = options;
  if ((await readEntry(target)).kind !== 'missing' && !options.force) {
    throw new OperationError(
      `${stackFile} already exists; run "npx stackgen generate" to regenerate from it, or init again with --force to replace it`,
    );
  }

  const text = withName(await readFile(path.join(PRESETS_DIR, `${backend}.yaml`), 'utf8'), options.name);
  const loaded = await loadStackText(cwd, stackFile, text);
  const { stack } = loaded;
  for (const warning of loaded.warnings) io.err(formatIssue(warning));
  const generation = await planGeneration(cwd, [loaded], { force: options.force });
  if (generation.conflicts.length) {
    throw new OperationError(
      [
        `${stack.output} holds files stackgen did not write or that were edited by hand:`,
        ...generation.conflicts.map(({ state }) => `  ${stack.output}/${state.path}`),
        'Choose another --name, move those files away, or run again with --force to overwrite them.',
      ].join('\n'),
    );
  }

  const schema = await schemaFileChange(cwd);
  const changes = [{ path: target, content: text }, ...(schema ? [schema] : []), ...generation.changes];
  await applyChanges(cwd, changes);
  const written = changes.map((c) => path.relative(cwd, c.path).split(path.sep).join('/'));
  io.out(`Created ${stackFile} (${backend}) and generated ${stack.output}/:`);
  for (const file of written) io.out(`  ${file}`);
  io.out('');
  io.out(`Commit ${stackFile} and ${stack.output}/, then start the stack with "npx stackgen up".`);
  return { stackFile, written };
}

/** The preset with its `name:` set; the rest (comments included) stays as written. */
export function withName(preset: string, name: string): string {
  const pattern = /^name: .*$/m;
  if (!pattern.test(preset)) throw new Error('preset has no top-level name');
  return preset.replace(pattern, `name: ${name}`);
}

/** `stackgen validate [STACK_FILE...]`: checks stack files and what they render to; writes nothing. */
import { renderChecked } from '../check/rendered.js';
import { formatIssue } from '../errors.js';
import type { CommandContext } from '../io.js';
import { findStackFiles, loadStacks } from '../project.js';

export interface ValidateOptions extends CommandContext {
  files: string[];
}

export async function validate(options: ValidateOptions): Promise<{ files: string[]; warnings: number }> {
  const { cwd, io } = options;
  const loaded = await loadStacks(cwd, await findStackFiles(cwd, options.files, options.invokedIn));
  let warnings = 0;
  for (const one of loaded) {
    const { stack, warnings: found } = one;
    for (const warning of found) io.err(formatIssue(warning));
    warnings += found.length;
    const plan = await renderChecked(one);
    io.out(
      `${stack.sourceFile}: valid (${stack.backend}; services ${Object.keys(stack.images).join(', ')}; ${plan.files.length} files in ${stack.output})`,
    );
  }
  return { files: loaded.map((l) => l.stack.sourceFile), warnings };
}

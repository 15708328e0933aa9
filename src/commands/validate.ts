/** `stackgen validate [STACK_FILE...]`: checks stack files and what they render to; writes nothing. */
import { checkPlan } from '../check/check-plan.js';
import { formatIssue } from '../errors.js';
import type { CommandContext } from '../io.js';
import { renderStack } from '../render/plan.js';
import { findStackFiles, loadStacks } from '../project.js';

export interface ValidateOptions extends CommandContext {
  files: string[];
}

export async function validate(options: ValidateOptions): Promise<{ files: string[]; warnings: number }> {
  const { cwd, io } = options;
  const loaded = await loadStacks(cwd, await findStackFiles(cwd, options.files));
  let warnings = 0;
  for (const { stack, warnings: found } of loaded) {
    for (const warning of found) io.err(formatIssue(warning));
    warnings += found.length;
    const plan = renderStack(stack);
    checkPlan(plan);
    io.out(
      `${stack.sourceFile}: valid (${stack.backend}; services ${Object.keys(stack.images).join(', ')}; ${plan.files.length} files in ${stack.output})`,
    );
  }
  return { files: loaded.map((l) => l.stack.sourceFile), warnings };
}

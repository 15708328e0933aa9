/** Rendering a stack file's text the way `generate` does: load (parse, validate), render, check. */
import { parse, stringify } from 'yaml';
import { checkPlan } from '../../src/check/check-plan.js';
import { StackInvalidError, type Issue } from '../../src/errors.js';
import { loadStackText } from '../../src/model/load.js';
import type { Stack } from '../../src/model/normalize.js';
import { renderStack, type RenderPlan } from '../../src/render/plan.js';
import { testdir } from './testdir.js';

/**
 * A stack given as an object, loaded the way users' stack files are (written out as YAML, then
 * loadStackText: positions, app facts, user files, every rule): its stack, or its errors, and its warnings.
 */
export async function loadObject(
  raw: Record<string, unknown>,
  file = 'stacks/demo.yaml',
): Promise<{ stack: Stack | undefined; errors: Issue[]; warnings: Issue[] }> {
  try {
    const { stack, warnings } = await loadStackText(process.cwd(), file, stringify(raw));
    return { stack, errors: [], warnings };
  } catch (error) {
    if (!(error instanceof StackInvalidError)) throw error;
    const of = (severity: Issue['severity']) => error.issues.filter((i) => i.severity === severity);
    return { stack: undefined, errors: of('error'), warnings: of('warning') };
  }
}

/** `path: message` of each issue. */
export const described = (issues: Issue[]) => issues.map((i) => `${i.path}: ${i.message}`);

/** The plan of a stack given as an object, as renderStack makes it (not checked); throws on errors. */
export async function planOfObject(raw: Record<string, unknown>, file?: string): Promise<RenderPlan> {
  const { stack, errors } = await loadObject(raw, file);
  if (!stack) throw new Error(described(errors).join('\n'));
  return renderStack(stack);
}

export async function planOf(text: string): Promise<RenderPlan> {
  const { stack } = await loadStackText(await testdir(), 'stacks/demo.yaml', text);
  const plan = renderStack(stack);
  checkPlan(plan);
  return plan;
}

/** A rendered file's content; fails when the plan has no such file. */
export function fileOf(plan: RenderPlan, path: string): string {
  const file = plan.files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} in the plan (${plan.files.map((f) => f.path).join(', ')})`);
  return file.content;
}

/** A rendered YAML or JSON file, parsed. */
export function parsedOf<T = Record<string, unknown>>(plan: RenderPlan, path: string): T {
  const content = fileOf(plan, path);
  return (path.endsWith('.json') ? JSON.parse(content) : parse(content)) as T;
}

/** The plan with one file's content edited (for checks that must catch a broken file). */
export function withEditedFile(
  plan: RenderPlan,
  file: string,
  edit: (content: string) => string,
): RenderPlan {
  return {
    ...plan,
    files: plan.files.map((f) => (f.path === file ? { ...f, content: edit(f.content) } : f)),
  };
}

/** Rendering a stack file's text the way `generate` does: load (parse, validate), render, check. */
import { parse } from 'yaml';
import { checkPlan } from '../../src/check/check-plan.js';
import { loadStackText } from '../../src/model/load.js';
import { renderStack, type RenderPlan } from '../../src/render/plan.js';
import { testdir } from './testdir.js';

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

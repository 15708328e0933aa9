/**
 * Checks a render plan before anything is written: every YAML and JSON output parses back, the compose
 * files pass the compose-spec schema, collector configs are consistent, Grafana provisioning has the
 * shape Grafana expects, and every file compose mounts is part of the plan. A problem here is a stackgen
 * bug, reported with file and path; nothing is written.
 */
import path from 'node:path';
import { parseDocument } from 'yaml';
import { BACKEND_LIST } from '../backends/index.js';
import { InternalError, StackInvalidError, type Issue } from '../errors.js';
import type { LoadedStack } from '../model/load.js';
import { PatchError } from '../render/patches.js';
import { renderStack, type RenderedFile, type RenderPlan } from '../render/plan.js';
import { CheckCache } from './check-cache.js';
import { collectorConfigProblems } from './collector.js';
import { composeSchemaErrors } from './compose-schema.js';
import { dashboardProblems, dashboardProviderProblems, datasourceProblems } from './grafana.js';

type Checker = (document: never, plan: RenderPlan) => string[];

/**
 * Which check applies to which output file. A check's verdict depends on its file's bytes and, for a check
 * that also reads other files of the plan, on what `reads` returns (compose.yaml's mounts: the plan's file
 * names; dashboards: the datasources), so that every verdict can be kept (check-cache.ts).
 */
/** The rendered files that are OpenTelemetry collector configurations: the collector's, and a backend's own. */
const COLLECTOR_CONFIGS = new RegExp(
  `^(${['collector/config.yaml', ...BACKEND_LIST.flatMap((b) => b.render.collectorConfigs ?? [])]
    .map((file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})$`,
);

const CHECKS: { file: RegExp; check: Checker; reads?: (plan: PlanReader) => string }[] = [
  { file: /^compose\.yaml$/, check: (doc: Record<string, unknown>) => composeSchemaErrors(doc) },
  {
    file: /^compose\.yaml$/,
    check: (doc: Record<string, unknown>, plan) => mountProblems(doc, plan),
    reads: (plan) => plan.fileNames(),
  },
  { file: /^apps\/.+\.override\.yaml$/, check: (doc) => composeSchemaErrors(doc) },
  { file: COLLECTOR_CONFIGS, check: (doc) => collectorConfigProblems(doc) },
  { file: /^grafana\/provisioning\/datasources\/.+\.yaml$/, check: (doc) => datasourceProblems(doc) },
  { file: /^grafana\/provisioning\/dashboards\/.+\.yaml$/, check: (doc) => dashboardProviderProblems(doc) },
  {
    file: /^grafana\/dashboards\/.+\.json$/,
    check: (doc, plan) => dashboardProblems(doc, datasourceUids(plan)),
    reads: (plan) => plan.datasourceFiles(),
  },
];

/** What checks read of the whole plan, worked out once per plan however many files ask. */
class PlanReader {
  private names?: string;
  private datasources?: string;
  constructor(readonly plan: RenderPlan) {}

  fileNames(): string {
    return (this.names ??= [...this.plan.files.map((f) => f.path), '', ...this.plan.inputs].join('\n'));
  }

  datasourceFiles(): string {
    return (this.datasources ??= this.plan.files
      .filter((f) => f.path.startsWith('grafana/provisioning/datasources/'))
      .map((f) => `${f.path}\n${f.content}`)
      .join('\0'));
  }
}

/** A problem in one rendered file. */
export interface PlanProblem {
  /** The file, relative to the output folder. */
  file: string;
  problem: string;
}

/** The key of a file's verdict: its bytes, and what its checks read of the rest of the plan. */
export function verdictKey(file: RenderedFile, plan: RenderPlan, reader = new PlanReader(plan)): string {
  const reads = CHECKS.filter((c) => c.reads && c.file.test(file.path)).map((c) => c.reads!(reader));
  return CheckCache.key(file.path, file.content, ...reads);
}

/**
 * Every problem the checks find, per file (empty when the plan is sound). Files whose verdict the cache
 * knows passed are neither parsed back nor checked; the others that pass are added to it.
 */
export function planProblems(plan: RenderPlan, cache = CheckCache.open()): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const reader = new PlanReader(plan);
  for (const file of plan.files) {
    const key = verdictKey(file, plan, reader);
    if (cache.has(key)) continue;
    const found = fileProblems(
      file,
      plan,
      CHECKS.filter((c) => c.file.test(file.path)),
    );
    if (found.length === 0) cache.add(key);
    problems.push(...found.map((problem) => ({ file: file.path, problem })));
  }
  return problems;
}

function fileProblems(file: RenderedFile, plan: RenderPlan, checks: typeof CHECKS): string[] {
  let document: unknown;
  try {
    document = parseBack(file);
  } catch (error) {
    return [`does not parse back: ${(error as Error).message}`];
  }
  return checks.flatMap(({ check }) => check(document as never, plan));
}

/**
 * Throws when the plan fails its checks. Files a patch of the stack file changed are the user's doing: the
 * problem is located at that patch (`locate` gives stack file positions). Anything else is a stackgen bug.
 */
export function checkPlan(
  plan: RenderPlan,
  locate?: (path: (string | number)[]) => Omit<Issue, 'message' | 'severity'>,
): void {
  const cache = CheckCache.open();
  const problems = planProblems(plan, cache);
  const patched = new Map(plan.stack.extensions.patches.map((p, i) => [p.file, i] as const).reverse());
  const theirs = problems.filter((p) => patched.has(p.file));
  if (theirs.length && locate) {
    throw new StackInvalidError(
      theirs.map((p) => ({
        ...locate(['patches', patched.get(p.file)!]),
        message: `the patched ${p.file} fails stackgen's checks: ${p.problem}`,
        severity: 'error' as const,
      })),
    );
  }
  if (problems.length) {
    throw new InternalError(
      `stackgen rendered output that fails its own checks (a bug in stackgen; nothing was written):\n${problems.map((p) => `  ${plan.stack.output}/${p.file}: ${p.problem}`).join('\n')}`,
    );
  }
  cache.save();
}

export function parseBack(file: RenderedFile): unknown {
  if (file.format === 'json') return JSON.parse(file.content);
  if (file.format !== 'yaml') return undefined;
  const doc = parseDocument(file.content, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message.split('\n')[0]).join('; '));
  return doc.toJS();
}

/** Every relative bind mount in the compose file names a file or folder of the plan. */
function mountProblems(compose: Record<string, unknown>, plan: RenderPlan): string[] {
  const services = (compose.services ?? {}) as Record<string, { volumes?: unknown[] }>;
  const problems: string[] = [];
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      if (typeof volume !== 'string' || !/^\.\.?\//.test(volume)) continue;
      const source = path.posix.normalize(volume.split(':')[0]!);
      const generated = plan.files.some((f) => f.path === source || f.path.startsWith(`${source}/`));
      if (!generated && !plan.inputs.includes(source)) {
        problems.push(
          `services.${name}.volumes: mounts ${volume.split(':')[0]}, which is neither generated nor an input`,
        );
      }
    }
  }
  return problems;
}

function datasourceUids(plan: RenderPlan): string[] {
  return plan.files
    .filter((f) => f.path.startsWith('grafana/provisioning/datasources/'))
    .flatMap((f) =>
      ((parseBack(f) as { datasources?: { uid?: string }[] }).datasources ?? []).map((d) => d.uid ?? ''),
    );
}

/**
 * The stack rendered with its patches, and checked. A patch that does not apply, or that leaves its file
 * failing the checks, is a located error in the stack file. Commands go through renderChecked (rendered.ts),
 * which takes a stack that rendered and passed before from the cache instead.
 */
export function renderAndCheck(loaded: Pick<LoadedStack, 'stack' | 'locate'>): RenderPlan {
  let plan: RenderPlan;
  try {
    plan = renderStack(loaded.stack);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new StackInvalidError([
      { ...loaded.locate(['patches', error.patch, ...error.at]), message: error.message, severity: 'error' },
    ]);
  }
  checkPlan(plan, loaded.locate);
  return plan;
}

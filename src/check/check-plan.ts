/**
 * Checks a render plan before anything is written: every YAML and JSON output parses back, the compose
 * files pass the compose-spec schema, collector configs are consistent, Grafana provisioning has the
 * shape Grafana expects, and every file compose mounts is part of the plan. A problem here is a stackgen
 * bug, reported with file and path; nothing is written.
 */
import path from 'node:path';
import { parseDocument } from 'yaml';
import { InternalError } from '../errors.js';
import type { RenderedFile, RenderPlan } from '../render/plan.js';
import { collectorConfigProblems } from './collector.js';
import { composeSchemaErrors } from './compose-schema.js';
import { dashboardProblems, dashboardProviderProblems, datasourceProblems } from './grafana.js';

type Checker = (document: never, plan: RenderPlan) => string[];

/** Which check applies to which output file. */
const CHECKS: [RegExp, Checker][] = [
  [
    /^compose\.yaml$/,
    (doc: Record<string, unknown>, plan) => [...composeSchemaErrors(doc), ...mountProblems(doc, plan)],
  ],
  [/^apps\/.+\.override\.yaml$/, (doc) => composeSchemaErrors(doc)],
  [/^(collector|jaeger)\/config\.yaml$/, (doc) => collectorConfigProblems(doc)],
  [/^grafana\/provisioning\/datasources\/.+\.yaml$/, (doc) => datasourceProblems(doc)],
  [/^grafana\/provisioning\/dashboards\/.+\.yaml$/, (doc) => dashboardProviderProblems(doc)],
  [/^grafana\/dashboards\/.+\.json$/, (doc, plan) => dashboardProblems(doc, datasourceUids(plan))],
];

export function checkPlan(plan: RenderPlan): void {
  const problems: string[] = [];
  for (const file of plan.files) {
    const where = `${plan.stack.output}/${file.path}`;
    let document: unknown;
    try {
      document = parseBack(file);
    } catch (error) {
      problems.push(`${where}: does not parse back: ${(error as Error).message}`);
      continue;
    }
    for (const [pattern, check] of CHECKS) {
      if (pattern.test(file.path))
        problems.push(...check(document as never, plan).map((p) => `${where}: ${p}`));
    }
  }
  if (problems.length) {
    throw new InternalError(
      `stackgen rendered output that fails its own checks (a bug in stackgen; nothing was written):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
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

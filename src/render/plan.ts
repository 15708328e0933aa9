/**
 * renderStack: Stack → RenderPlan, entirely in memory. No file system here; `output/` writes plans.
 */
import { normalPath, type Stack } from '../model/normalize.js';
import { sha256, withHeader, type FileFormat } from './marker.js';
import { renderTemplate } from './templates.js';
import { tlsInputs } from '../model/tls.js';
import { buildView, type View } from './view.js';
import { patchBody, unknownPatchTargets } from './patches.js';
import path from 'node:path';

export interface Secret {
  name: string;
  description: string;
  /** A password must satisfy password rules; a token need only be random; an id is a random UUID. */
  kind: 'token' | 'password' | 'id';
  /**
   * Made only together with a new .env. An id that names something already created (SigNoz's
   * organisation) must not be replaced by a new one in an older .env: `stackgen up` reads it instead.
   */
  onlyWithNewEnv?: boolean;
}

export interface RenderedFile {
  /** Relative to the stack's output folder, forward slashes. */
  path: string;
  content: string;
  format: FileFormat;
}

export interface RenderPlan {
  stack: Stack;
  files: RenderedFile[];
  /** Names of the secrets the stack reads from its .env, with what each is for. */
  secrets: Secret[];
  /** Files the stack reads that stackgen does not render (TLS certificates), relative to the output folder. */
  inputs: string[];
}

/** One output file: which template renders it, and with which view when not the stack's. */
interface FileSpec {
  path: string;
  template: string;
  format: FileFormat;
  view?: object;
}

function fileSpecs(view: View): FileSpec[] {
  const { stack } = view;
  const specs: FileSpec[] = [
    { path: 'compose.yaml', template: 'compose/compose.yaml', format: 'yaml' },
    { path: '.env.example', template: 'compose/env.example', format: 'dotenv' },
    { path: 'README.md', template: 'readme/README.md', format: 'markdown' },
  ];
  if (view.has.signoz) {
    specs.push(
      { path: 'collector/config.yaml', template: 'signoz/collector.yaml', format: 'yaml' },
      { path: 'collector/opamp.yaml', template: 'signoz/opamp.yaml', format: 'yaml' },
      {
        path: 'clickhouse/config.d/stackgen.yaml',
        template: 'signoz/clickhouse-config.yaml',
        format: 'yaml',
      },
      { path: 'clickhouse/functions.yaml', template: 'signoz/functions.yaml', format: 'yaml' },
      {
        path: 'clickhouse/fetch-histogram-quantile.sh',
        template: 'signoz/fetch-histogram-quantile.sh',
        format: 'shell',
      },
      { path: 'clickhouse-keeper/keeper.yaml', template: 'signoz/keeper.yaml', format: 'yaml' },
    );
  } else {
    specs.push({ path: 'collector/config.yaml', template: 'collector/config.yaml', format: 'yaml' });
  }
  if (stack.components.includes('jaeger')) {
    specs.push({ path: 'jaeger/config.yaml', template: 'jaeger/config.yaml', format: 'yaml' });
  }
  if (stack.components.includes('tempo')) {
    specs.push({ path: 'tempo/tempo.yaml', template: 'tempo/tempo.yaml', format: 'yaml' });
  }
  if (stack.components.includes('prometheus')) {
    specs.push(
      { path: 'prometheus/prometheus.yml', template: 'prometheus/prometheus.yml', format: 'yaml' },
      { path: 'prometheus/rules/stack-health.yml', template: 'prometheus/rules.yml', format: 'yaml' },
    );
  }
  if (stack.components.includes('grafana')) {
    specs.push(
      {
        path: 'grafana/provisioning/datasources/datasources.yaml',
        template: 'grafana/datasources.yaml',
        format: 'yaml',
      },
      {
        path: 'grafana/provisioning/dashboards/dashboards.yaml',
        template: 'grafana/dashboards.yaml',
        format: 'yaml',
      },
      ...stack.grafana.dashboards.map((name: string): FileSpec => ({
        path: `grafana/dashboards/${name}.json`,
        template: `grafana/dashboards/${name}.json`,
        format: 'json',
      })),
    );
  }
  for (const app of view.apps) {
    specs.push({
      path: app.overrideFile,
      template: 'compose/app-override.yaml',
      format: 'yaml',
      view: { ...view, app },
    });
  }
  return specs;
}

/** Files that describe the others, rendered after them. */
const RENDERED_LAST = ['compose.yaml', 'README.md'];

/**
 * Throws PatchError when a patch of the stack file does not apply (a file the stack does not generate, a
 * path that does not exist, a failed test).
 */
export function renderStack(stack: Stack): RenderPlan {
  const view = buildView(stack);
  const specs = fileSpecs(view);
  const [unknown] = unknownPatchTargets(
    stack,
    specs.map((s) => s.path),
  );
  if (unknown) throw unknown;
  const render = (spec: FileSpec): RenderedFile => {
    const body = patchBody(stack, spec, tidy(renderTemplate(spec.template, spec.view ?? view), spec.format));
    return { path: spec.path, format: spec.format, content: withHeader(spec.format, stack.sourceFile, body) };
  };
  const files = specs.filter((s) => !RENDERED_LAST.includes(s.path)).map(render);
  view.configHashes = configHashes(files, stack);
  files.push(...specs.filter((s) => RENDERED_LAST.includes(s.path)).map(render));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { stack, files, secrets: view.secrets, inputs: [...tlsInputs(stack), ...userInputs(stack)] };
}

/** The user's own files and folders compose mounts, relative to the output folder. */
export function userInputs(stack: Stack): string[] {
  const { dashboards, ruleFiles } = stack.extensions;
  const archives = stack.backend === 'signoz' ? stack.signoz.histogramQuantileDir : undefined;
  return [
    ...[...dashboards, ...ruleFiles].map((s) => s.path),
    ...(archives ? [normalPath(archives)] : []),
  ].map((source) => path.posix.relative(stack.output, source));
}

/**
 * A hash of each component folder's files (collector/, grafana/, …). Compose labels each service with
 * the hash of what it mounts: compose recreates containers only when their definition changes, and a
 * changed mounted file would otherwise go unnoticed (a replaced file is not even seen by a running
 * container's bind mount).
 */
function configHashes(files: RenderedFile[], stack: Stack): Record<string, string> {
  const hashes: Record<string, string> = {};
  // Prometheus reads rule files at start only; Grafana reloads dashboards by itself.
  const userFiles: Record<string, { path: string; content: string }[]> = {
    prometheus: stack.extensions.ruleFiles.flatMap((s) => s.files),
  };
  for (const folder of new Set(files.map((f) => f.path.split('/')[0]!).filter((p) => !p.includes('.')))) {
    const mine = [...files.filter((f) => f.path.startsWith(`${folder}/`)), ...(userFiles[folder] ?? [])];
    hashes[folder] = sha256(mine.map((f) => `${f.path}\0${f.content}`).join('\0')).slice(0, 16);
  }
  return hashes;
}

/**
 * Deterministic text: LF line ends, no trailing spaces, no runs of blank lines, one final newline.
 * JSON is re-serialized so templates need not care about commas and indentation.
 */
function tidy(text: string, format: FileFormat): string {
  if (format === 'json') return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  return `${text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

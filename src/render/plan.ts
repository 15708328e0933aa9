/**
 * renderStack: Stack → RenderPlan, entirely in memory. No file system here; `output/` writes plans.
 */
import { backendOf } from '../backends/index.js';
import { normalPath, type Stack } from '../model/normalize.js';
import { sha256, withHeader, type FileFormat } from './marker.js';
import { renderTemplate } from './templates.js';
import { tlsInputs } from '../model/tls.js';
import { buildView } from './view.js';
import { buildReadme } from './readme.js';
import { componentFiles, serviceTemplates, type ComponentFile } from './components.js';
import type { Secret } from './secret-names.js';
import { patchBody, unknownPatchTargets } from './patches.js';
import path from 'node:path';
import { compareText } from '../compare.js';

export type { Secret };

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

/** Files that describe the others, rendered after them. */
const RENDERED_LAST = ['compose.yaml', 'README.md'];

/**
 * Throws PatchError when a patch of the stack file does not apply (a file the stack does not generate, a
 * path that does not exist, a failed test).
 */
export function renderStack(stack: Stack): RenderPlan {
  const base = buildView(stack);
  const specs = componentFiles(base);
  const view = { ...base, readme: buildReadme(base), serviceTemplates: serviceTemplates(base) };
  const [unknown] = unknownPatchTargets(
    stack,
    specs.map((s) => s.path),
  );
  if (unknown) throw unknown;
  // compose.yaml labels each service with the hash of the files it mounts: rendered once those are.
  const contents = new Map<string, string>();
  const render = (spec: ComponentFile, hashes: Record<string, string> = {}): RenderedFile => {
    const context = spec.view ?? { ...view, configHashes: hashes };
    const made = spec.derive ? spec.derive(contents) : renderTemplate(spec.template, context);
    const body = patchBody(stack, spec, tidy(made, spec.format));
    const file = {
      path: spec.path,
      format: spec.format,
      content: withHeader(spec.format, stack.sourceFile, body),
    };
    contents.set(file.path, file.content);
    return file;
  };
  const files = specs.filter((s) => !RENDERED_LAST.includes(s.path) && !s.derive).map((s) => render(s));
  const hashes = configHashes(files, stack);
  files.push(...specs.filter((s) => RENDERED_LAST.includes(s.path)).map((s) => render(s, hashes)));
  // Made from the files above (swarm.yaml from compose.yaml).
  files.push(...specs.filter((s) => s.derive).map((s) => render(s)));
  files.sort((a, b) => compareText(a.path, b.path));
  return { stack, files, secrets: view.secrets, inputs: [...tlsInputs(stack), ...userInputs(stack)] };
}

/** The user's own files and folders compose mounts, relative to the output folder. */
export function userInputs(stack: Stack): string[] {
  const { dashboards, ruleFiles } = stack.extensions;
  const folders = backendOf(stack.backend).userFolders?.(stack[stack.backend]) ?? [];
  return [
    ...[...dashboards, ...ruleFiles].map((s) => s.path),
    ...folders.map((folder) => normalPath(folder.path)),
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

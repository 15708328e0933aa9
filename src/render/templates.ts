/**
 * The Handlebars environment. Templates live in the top-level `templates/` folder, a folder per
 * component; every `.hbs` file there is also a partial named by its path without the extension
 * (`collector/service`). Values enter templates only through the escaping helpers below: a template
 * that prints a value any other way is refused when it is compiled.
 */
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../errors.js';
import {
  commentText,
  jsonLiteral,
  shellWord,
  markdownCode,
  markdownText,
  mermaidId,
  mermaidText,
  yamlScalar,
  yamlScalarNoInterpolation,
} from './escape.js';

/** `templates/` at the package root (from both `src/render` and `dist/render`). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Helper name → escaper. The name says the target format. */
const ESCAPERS: Record<string, (value: unknown) => string> = {
  yaml: yamlScalar, // YAML read by programs that do not expand `$` (Prometheus)
  compose: yamlScalarNoInterpolation, // Docker Compose interpolates `$`
  otel: yamlScalarNoInterpolation, // the collector expands `${env:…}`
  grafana: yamlScalarNoInterpolation, // Grafana provisioning expands `$VAR`
  comment: commentText, // inside a # comment
  json: jsonLiteral,
  md: markdownText,
  code: markdownCode,
  shell: shellWord, // a word of a command in a fenced code block
  mermaid: mermaidText, // a label in a Mermaid diagram
  mermaidId, // a node or subgraph id in a Mermaid diagram
};

export type TemplateName = string;

let environment: { hbs: typeof Handlebars; templates: Map<string, Handlebars.TemplateDelegate> } | undefined;

export function renderTemplate(name: TemplateName, view: object): string {
  const env = loadEnvironment();
  const template = env.templates.get(name);
  if (!template) throw new InternalError(`no template ${name}.hbs in ${TEMPLATES_DIR}`);
  try {
    return template(view);
  } catch (error) {
    throw new InternalError(`template ${name}.hbs: ${(error as Error).message}`);
  }
}

function loadEnvironment() {
  if (environment) return environment;
  const hbs = Handlebars.create();
  for (const [name, escape] of Object.entries(ESCAPERS)) {
    hbs.registerHelper(name, (value: unknown, options: unknown) => {
      if (options === undefined) throw new InternalError(`{{${name}}} needs a value`);
      return escape(value);
    });
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of listTemplates(TEMPLATES_DIR)) {
    const name = file.replace(/\.hbs$/, '');
    const source = readFileSync(path.join(TEMPLATES_DIR, file), 'utf8');
    assertValuesEscaped(name, source);
    // strict: a misspelt or missing view field fails the render instead of printing nothing.
    const compiled = hbs.compile(source, { noEscape: true, strict: true });
    templates.set(name, compiled);
    hbs.registerPartial(name, compiled);
  }
  environment = { hbs, templates };
  return environment;
}

function listTemplates(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.hbs'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/**
 * Walks a template's syntax tree: every `{{ … }}` that prints must be an escaper applied to one view
 * field (no subexpressions: values are computed in the view); `{{{ … }}}` is never allowed. Block helpers (`#if`, `#each`) and partials are structure.
 */
export function assertValuesEscaped(name: string, source: string): void {
  const visit = (node: hbs.AST.Node | undefined): void => {
    if (!node) return;
    if (node.type === 'MustacheStatement') {
      const mustache = node as hbs.AST.MustacheStatement;
      const helper = (mustache.path as hbs.AST.PathExpression).original;
      const line = mustache.loc.start.line;
      if (!mustache.escaped) throw new InternalError(`${name}.hbs:${line}: {{{ }}} prints a value unescaped`);
      if (
        !(helper in ESCAPERS) ||
        mustache.params.length !== 1 ||
        mustache.params[0]!.type !== 'PathExpression'
      ) {
        throw new InternalError(
          `${name}.hbs:${line}: {{${helper}}} prints a value without an escaper (${Object.keys(ESCAPERS).join(', ')})`,
        );
      }
    }
    if (node.type === 'Program') (node as hbs.AST.Program).body.forEach(visit);
    if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      visit(block.program);
      visit(block.inverse);
    }
  };
  visit(Handlebars.parse(source));
}

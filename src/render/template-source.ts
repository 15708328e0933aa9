/**
 * Where the compiled templates come from. Here, when running from source (tests, tsx): every `.hbs` file
 * under `templates/` is checked and compiled on first use. The build (scripts/build.ts) replaces this module
 * in the bundle with the same templates precompiled, checked by the same function, so a run pays for
 * neither the check nor the compiler.
 */
import Handlebars from 'handlebars';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InternalError } from '../errors.js';
import { packagePath } from '../package-root.js';

/** Handlebars options of every template. strict: a misspelt or missing view field fails the render. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

export function templatesDir(): string {
  return packagePath('templates');
}

/** Template name (its path under templates/ without .hbs) → source, sorted by name. */
export function templateSources(): [string, string][] {
  const dir = templatesDir();
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.hbs'))
    .map((file) => file.split(path.sep).join('/'))
    .sort()
    .map((file) => [file.replace(/\.hbs$/, ''), readFileSync(path.join(dir, file), 'utf8')]);
}

/** Every template compiled, each also registered as a partial of its name, with these helpers. */
export function compileTemplates(
  helpers: Record<string, Handlebars.HelperDelegate>,
  escapers: readonly string[],
): Map<string, Handlebars.TemplateDelegate> {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) hbs.registerHelper(name, helper);
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, source] of templateSources()) {
    assertValuesEscaped(name, source, escapers);
    const compiled = hbs.compile(source, COMPILE_OPTIONS);
    templates.set(name, compiled);
    hbs.registerPartial(name, compiled);
  }
  return templates;
}

/**
 * Walks a template's syntax tree: every `{{ … }}` that prints must be an escaper applied to one view
 * field (no subexpressions: values are computed in the view); `{{{ … }}}` is never allowed. Block helpers
 * (`#if`, `#each`) and partials are structure.
 */
export function assertValuesEscaped(name: string, source: string, escapers: readonly string[]): void {
  const visit = (node: hbs.AST.Node | undefined): void => {
    if (!node) return;
    if (node.type === 'MustacheStatement') {
      const mustache = node as hbs.AST.MustacheStatement;
      const helper = (mustache.path as hbs.AST.PathExpression).original;
      const line = mustache.loc.start.line;
      if (!mustache.escaped) throw new InternalError(`${name}.hbs:${line}: {{{ }}} prints a value unescaped`);
      if (
        !escapers.includes(helper) ||
        mustache.params.length !== 1 ||
        mustache.params[0]!.type !== 'PathExpression'
      ) {
        throw new InternalError(
          `${name}.hbs:${line}: {{${helper}}} prints a value without an escaper (${escapers.join(', ')})`,
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

/**
 * The Handlebars environment. Templates live in the top-level `templates/` folder, a folder per
 * component; every `.hbs` file there is also a partial named by its path without the extension
 * (`collector/service`). Values enter templates only through the escaping helpers below: a template
 * that prints a value any other way is refused when it is compiled (template-source.ts).
 */
import type Handlebars from 'handlebars';
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
import { compileTemplates } from './template-source.js';

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

/** The helper names templates may print values with. */
export const ESCAPER_NAMES = Object.keys(ESCAPERS);

export type TemplateName = string;

let templates: Map<string, Handlebars.TemplateDelegate> | undefined;

export function renderTemplate(name: TemplateName, view: object): string {
  templates ??= compileTemplates(helpers(), ESCAPER_NAMES);
  const template = templates.get(name);
  if (!template) throw new InternalError(`no template ${name}.hbs`);
  try {
    return template(view);
  } catch (error) {
    throw new InternalError(`template ${name}.hbs: ${(error as Error).message}`);
  }
}

function helpers(): Record<string, Handlebars.HelperDelegate> {
  return Object.fromEntries(
    Object.entries(ESCAPERS).map(([name, escape]) => [
      name,
      (value: unknown, options: unknown) => {
        if (options === undefined) throw new InternalError(`{{${name}}} needs a value`);
        return escape(value);
      },
    ]),
  );
}

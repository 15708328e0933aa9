/**
 * Escapers: the only way a value enters a template. Each one turns a value into a literal of its target
 * format that can never change the document's structure, whatever it holds (quotes, colons, `#`,
 * newlines, `{{`, `$`, unicode).
 */
import { InternalError } from '../errors.js';

/**
 * A YAML scalar on one line. A string is written plain only when it is unmistakably a string in both
 * YAML 1.1 and 1.2 and in block and flow context (a name such as `otel-collector`); one holding `"` or `\`
 * but no `'` nor control characters is single-quoted (taken literally); anything else becomes
 * double-quoted YAML (a superset of JSON strings) with every character YAML forbids unescaped (DEL, C1
 * controls, BOM, line and paragraph separators) escaped.
 */
export function yamlScalar(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InternalError(`cannot render the number ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new InternalError(`cannot render ${describe(value)} as a YAML scalar`);
  if (SAFE_PLAIN.test(value) && !value.endsWith(':') && !RESERVED_WORDS.test(value)) return value;
  // PromQL and the like read better without escaped quotes: single quotes take them literally.
  if (/["\\]/.test(value) && !value.includes("'") && SINGLE_QUOTABLE.test(value)) return `'${value}'`;
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, unicodeEscape);
}

/** What single-quoted YAML holds as written: no control or line-breaking characters (it escapes none). */
// eslint-disable-next-line no-control-regex -- the characters excluded are control characters
const SINGLE_QUOTABLE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]*$/;

/** Starts with a letter (no number, indicator or special float); no spaces, quotes, `#`, `,[]{}`, `$`. */
const SAFE_PLAIN = /^[A-Za-z_][A-Za-z0-9_./@+:-]{0,199}$/;
/** Words YAML 1.1 or 1.2 reads as booleans or null. */
const RESERVED_WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;

/**
 * For files whose reader expands `$` (Docker Compose, the collector, Grafana provisioning):
 * a literal `$` is written `$$` in all three.
 */
export function yamlScalarNoInterpolation(value: unknown): string {
  return yamlScalar(typeof value === 'string' ? value.replace(/\$/g, '$$$$') : value);
}

/** Text inside a `#` comment (YAML, dotenv): every kind of line break becomes a space. */
export function commentText(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InternalError(`cannot render ${describe(value)} in a comment`);
  }
  return String(value).replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
}

/**
 * A word of a shell command shown in a fenced code block: printed as is when it holds only characters
 * the shell takes literally, else single-quoted.
 */
export function shellWord(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InternalError(`cannot render ${describe(value)} as a shell word`);
  }
  const text = String(value);
  return /^[A-Za-z0-9._/@+=:,-]+$/.test(text)
    ? text
    : `'${text.replace(/'/g, `'\\''`).replace(/[\r\n]+/g, ' ')}'`;
}

/** A JSON literal. */
export function jsonLiteral(value: unknown): string {
  if (value === undefined) throw new InternalError('cannot render undefined as JSON');
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, unicodeEscape);
}

/** Text inside Markdown (a paragraph or a table cell): no markup, no HTML, on one line. */
export function markdownText(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InternalError(`cannot render ${describe(value)} as Markdown`);
  }
  return String(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>|#!~&]/g, (c) => `\\${c}`);
}

/**
 * A Markdown code span on one line; the fence is longer than any backtick run inside. `|` is escaped
 * because GitHub tables split cells on it even inside code spans.
 */
export function markdownCode(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InternalError(`cannot render ${describe(value)} as Markdown`);
  }
  const text = String(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '\\|');
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text of a Mermaid label, inside `["…"]`: every character but letters, digits and plain punctuation
 * becomes a Mermaid entity code (`#34;`), so no value can close the label, start markup or a new line.
 */
export function mermaidText(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InternalError(`cannot render ${describe(value)} in a Mermaid label`);
  }
  return [...String(value)]
    .map((c) => (/^[A-Za-z0-9 .,:/@_+=()-]$/.test(c) ? c : `#${c.codePointAt(0)};`))
    .join('');
}

/** A Mermaid node or subgraph id: made by stackgen from fixed names, never from a user's value. */
export function mermaidId(value: unknown): string {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(value)) {
    throw new InternalError(`${JSON.stringify(value)} is not a Mermaid id stackgen makes`);
  }
  return value;
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
}

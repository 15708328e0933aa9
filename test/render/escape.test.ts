import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  commentText,
  jsonLiteral,
  markdownCode,
  markdownText,
  mermaidId,
  mermaidText,
  shellWord,
  yamlScalar,
  yamlScalarNoInterpolation,
} from '../../src/render/escape.js';
import { assertValuesEscaped as check } from '../../src/render/template-source.js';
import { ESCAPER_NAMES } from '../../src/render/templates.js';

const assertValuesEscaped = (name: string, source: string) => check(name, source, ESCAPER_NAMES);

/** Strings that break naive templating: quotes, YAML indicators, newlines, template syntax, unicode. */
export const HOSTILE = [
  `it's "quoted"`,
  'key: value',
  'a # comment',
  '- item',
  '{{evil}} {{{evil}}}',
  'line1\nline2\r\nline3',
  '${HOME} $$ $VAR',
  '[flow, {map: 1}]',
  'null',
  'yes',
  '0x1F',
  '1e3',
  '.inf',
  '~',
  '&anchor *alias !tag',
  '%directive',
  '@at `tick`',
  '\t tab and trailing space ',
  'ünïcødé 日本語 🚀',
  '\u2028line sep\u2029para sep\u0085nel',
  '\u007fdel\u0080c1\ufeffbom',
  '--- \n...',
  '',
  'up{job="a\\b"} == 0 # not a comment',
  '"quoted" and \\back\\slashed',
];

describe('yaml escaper', () => {
  it.each(HOSTILE)('keeps %j a single scalar with the same value', (value) => {
    const out = yamlScalar(value);
    expect(out).not.toContain('\n');
    expect(parse(`key: ${out}\nnext: 1\n`)).toEqual({ key: value, next: 1 });
    expect(parse(`list: [${out}, 2]\n`)).toEqual({ list: [value, 2] });
  });

  it('writes plain, readable scalars only for unambiguous names', () => {
    expect(yamlScalar('otel-collector')).toBe('otel-collector');
    expect(yamlScalar('jaeger:4317')).toBe('jaeger:4317');
    expect(yamlScalar('127.0.0.1')).toBe('"127.0.0.1"');
    expect(yamlScalar('yes')).toBe('"yes"');
    expect(yamlScalar('Off')).toBe('"Off"');
    expect(yamlScalar('trailing:')).toBe('"trailing:"');
    expect(yamlScalar(4317)).toBe('4317');
    expect(yamlScalar(false)).toBe('false');
  });

  it('single-quotes PromQL and other text with double quotes, so no backslash escapes are needed', () => {
    expect(yamlScalar('up{job="otel-collector"} == 0')).toBe(`'up{job="otel-collector"} == 0'`);
    // A single quote or a control character still needs the double-quoted form.
    expect(yamlScalar(`it's "x"`)).toBe(`"it's \\"x\\""`);
    expect(yamlScalar('"a"\n')).toBe('"\\"a\\"\\n"');
  });

  it('refuses values that are not scalars', () => {
    expect(() => yamlScalar(undefined)).toThrow('cannot render undefined');
    expect(() => yamlScalar({})).toThrow('cannot render object');
    expect(() => yamlScalar(Number.NaN)).toThrow('cannot render the number NaN');
  });
});

describe('escaper for files that expand $ (compose, collector, Grafana)', () => {
  it.each(HOSTILE)('doubles every $ in %j and stays one scalar', (value) => {
    const parsed = parse(`key: ${yamlScalarNoInterpolation(value)}\n`) as { key: string };
    expect(parsed.key).toBe(value.replace(/\$/g, '$$$$'));
  });
});

describe('json escaper', () => {
  it.each(HOSTILE)('round-trips %j', (value) => {
    expect(JSON.parse(`{"key": ${jsonLiteral(value)}}`)).toEqual({ key: value });
  });
});

describe('comment escaper', () => {
  it.each(HOSTILE)('keeps %j on the comment line', (value) => {
    const doc = parse(`# ${commentText(value)}\nkey: 1\n`);
    expect(doc).toEqual({ key: 1 });
  });
});

describe('markdown escapers', () => {
  it('neutralizes markup, HTML and table pipes, on one line', () => {
    expect(markdownText('<script>|*x*|\n[a](b)')).toBe('\\<script\\>\\|\\*x\\*\\| \\[a\\](b)');
  });

  it('fences code spans longer than the backticks inside', () => {
    expect(markdownCode('plain')).toBe('`plain`');
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`edge`')).toBe('`` `edge` ``');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
  });
});

describe('mermaid escapers', () => {
  it('leaves only letters, digits and plain punctuation in a label; the rest become entity codes', () => {
    for (const value of HOSTILE) {
      const label = mermaidText(value);
      expect(label, value).toMatch(/^[A-Za-z0-9 .,:/@_+=()#;-]*$/);
      // Entity codes decode back to the value, as Mermaid does when it draws.
      expect(label.replace(/#(\d+);/g, (_, c: string) => String.fromCodePoint(+c))).toBe(value);
    }
    expect(mermaidText('a "b" <br/> #1;')).toBe('a #34;b#34; #60;br/#62; #35;1#59;');
  });

  it('takes only the ids stackgen makes', () => {
    expect(mermaidId('s_otel_collector')).toBe('s_otel_collector');
    for (const bad of ['end"]', 'A', '', 'x y', 3]) expect(() => mermaidId(bad)).toThrow(/not a Mermaid id/);
  });
});

describe('shell escaper', () => {
  it('prints safe words as they are and single-quotes the rest', () => {
    expect(shellWord('deploy/demo/compose.yaml')).toBe('deploy/demo/compose.yaml');
    expect(shellWord('my file')).toBe(`'my file'`);
    expect(shellWord(`it's; rm -rf /`)).toBe(`'it'\\''s; rm -rf /'`);
  });
});

describe('templates print values only through escapers', () => {
  it('accepts escaped values, blocks and partials', () => {
    expect(() =>
      assertValuesEscaped('ok', '{{#each xs}}{{yaml this}}{{/each}}{{> other}}{{!-- note --}}'),
    ).not.toThrow();
  });

  it.each([
    ['a bare value', '{{name}}', 'ok.hbs:1: {{name}} prints a value without an escaper'],
    ['a triple-stash', 'x\n{{{yaml name}}}', 'ok.hbs:2: {{{ }}} prints a value unescaped'],
    ['an unknown helper', '{{lookup a b}}', 'ok.hbs:1: {{lookup}} prints a value without an escaper'],
    ['a subexpression', '{{yaml (concat a b)}}', 'ok.hbs:1: {{yaml}} prints a value without an escaper'],
    ['a value inside a block', '{{#if a}}{{b}}{{/if}}', 'ok.hbs:1: {{b}} prints a value without an escaper'],
  ])('refuses %s', (_, source, message) => {
    expect(() => assertValuesEscaped('ok', source)).toThrow(message);
  });
});

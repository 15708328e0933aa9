/**
 * Issue #14's house goal: a backend is one folder (src/backends/<name>/, its templates under
 * templates/<name>/) and one line in src/backends/index.ts. This reads every other source file with
 * TypeScript's parser (comments left out) and lists the files whose code names a backend: an identifier or a
 * string that holds its name (`'tempo'`, `stack.tempo`, `has.signoz`, "SigNoz"). Each is named elsewhere only
 * in usage examples and in the descriptions of settings whose defaults it changes (ARCHITECTURE.md, "Adding
 * a backend").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_LIST } from '../../src/backends/index.js';
import { codeWords, sourceFiles } from '../helpers/code-words.js';

const TEMPLATES = path.resolve(import.meta.dirname, '../../templates');

/** `tempoInit`, `SIGNOZ_ORG_ID`, "SigNoz" and "jaeger/config.yaml" hold the word; `temporary` does not. */
function holds(text: string, name: string): boolean {
  const words = (t: string) => t.toLowerCase().split(/[^a-z0-9]+/);
  return [...words(text), ...words(text.replace(/([a-z0-9])([A-Z])/g, '$1 $2'))].includes(name);
}

function filesNaming(backend: string): string[] {
  return sourceFiles().filter(
    (file) =>
      !file.startsWith(`backends/${backend}/`) &&
      file !== 'backends/index.ts' &&
      codeWords(file).some((word) => holds(word, backend)),
  );
}

/** The templates outside the backend's folder whose expressions (`{{#if has.tempo}}`) name it. */
function templatesNaming(backend: string): string[] {
  return (readdirSync(TEMPLATES, { recursive: true, encoding: 'utf8' }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.hbs') && !f.startsWith(`${backend}/`))
    .filter((f) =>
      [...readFileSync(path.join(TEMPLATES, f), 'utf8').matchAll(/\{\{[^}]*\}\}/g)].some((m) =>
        holds(m[0], backend),
      ),
    )
    .sort();
}

describe('a backend in one place', () => {
  it('no template outside its folder asks for a backend by name', () => {
    for (const backend of ['jaeger', 'tempo', 'signoz'])
      expect(templatesNaming(backend), backend).toEqual([]);
  });

  it('Jaeger: its folder and its line in the list; elsewhere only usage examples name it', () => {
    expect(filesNaming('jaeger')).toEqual([
      // "stackgen init --backend jaeger", as an example in two messages.
      'cli.ts',
      'project.ts',
    ]);
  });

  it('Tempo and SigNoz: their folders; elsewhere only the prose of settings whose defaults they change', () => {
    // The descriptions of collector.samplingRatio and collector.spanMetrics say what Tempo changes;
    // collector.signals, prometheus.enabled, grafana.enabled and grafana.dashboards what SigNoz changes.
    expect(filesNaming('tempo')).toEqual(['components/collector/facts.ts']);
    expect(filesNaming('signoz')).toEqual([
      'components/collector/facts.ts',
      'components/grafana/facts.ts',
      'components/prometheus/facts.ts',
    ]);
  });
});

describe('what a backend says in two parts agrees', () => {
  it('its own collector: the fact the model reads, the distribution the renderer reads', () => {
    for (const backend of BACKEND_LIST)
      expect(Boolean(backend.render.ownCollector), backend.name).toBe(Boolean(backend.ownCollector));
    expect(BACKEND_LIST.filter((b) => b.ownCollector).map((b) => b.name)).toEqual(['signoz']);
  });
});

/**
 * The topology diagram of the generated README, read back by the real Mermaid parser: every golden
 * README's diagram is valid, holds every service and app, and draws the path of a span; a hostile value
 * stays inside its label.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack } from '../../src/model/load.js';
import { renderStack } from '../../src/render/plan.js';
import { mermaidBlock, parseFlowchart, type ParsedFlowchart } from '../helpers/mermaid.js';
import { testdir } from '../helpers/testdir.js';
import { GOLDEN, GOLDEN_STACKS, ROOT } from '../helpers/golden.js';

/** Where solid arrows (the path of a span) lead from `start`. */
function reachable(chart: ParsedFlowchart, start: string): Set<string> {
  const seen = new Set([start]);
  for (const node of seen) {
    for (const e of chart.edges) if (e.from === node && !e.dotted) seen.add(e.to);
  }
  return seen;
}

const firstLine = (label: string) => label.split('<br>')[0]!;

describe.each(GOLDEN_STACKS)('the topology diagram of %s', (name, file) => {
  it('is valid Mermaid with every service and app, and the path of a span to the backend and Grafana', async () => {
    const { stack } = await loadStack(ROOT, file);
    const readme = readFileSync(path.join(GOLDEN, name, 'README.md'), 'utf8');
    const chart = await parseFlowchart(mermaidBlock(readme));

    const labels = [...chart.nodes.values()].map(firstLine).sort();
    const apps = stack.apps.length ? stack.apps.map((a) => `app ${a.service}`) : ['your app'];
    expect(labels).toEqual([...stack.services.map((s) => s.name), ...apps].sort());
    // An arrow to an id never declared would make Mermaid invent a node labelled with the id.
    for (const [id, label] of chart.nodes) expect(label, id).not.toBe(id);
    expect(chart.subgraphs[0]!.title).toContain(`network ${stack.networks.observability}`);

    const idOf = (service: string) => [...chart.nodes].find(([, label]) => firstLine(label) === service)![0];
    const store = { jaeger: 'jaeger', tempo: 'tempo', signoz: 'clickhouse' }[stack.backend];
    const ui = stack.components.includes('grafana')
      ? 'grafana'
      : stack.backend === 'signoz'
        ? 'signoz'
        : store;
    for (const app of apps) {
      const path = reachable(chart, idOf(app));
      expect(path.has(idOf('otel-collector')), `${app} → collector`).toBe(true);
      expect(path.has(idOf(store)), `${app} → ${store}`).toBe(true);
      expect(path.has(idOf(ui)), `${app} → ${ui}`).toBe(true);
    }
  });
});

describe('the topology diagram', () => {
  it('keeps a hostile service name inside its label', async () => {
    const hostile = 'x"] --> evil["y\nend\n```\n<script>#35;</script> ü ✓ `{{x}}`';
    const cwd = await testdir({
      'stacks/demo.yaml': `name: demo\nbackend: jaeger\napps:\n  - service: web\n    serviceName: ${JSON.stringify(hostile)}\n`,
    });
    const { stack } = await loadStack(cwd, 'stacks/demo.yaml');
    const readme = renderStack(stack).files.find((f) => f.path === 'README.md')!.content;
    const block = mermaidBlock(readme);
    const chart = await parseFlowchart(block);
    expect([...chart.nodes.keys()].sort()).toEqual(
      ['app_0', 's_grafana', 's_jaeger', 's_otel_collector', 's_prometheus'].sort(),
    );
    expect(chart.edges.filter((e) => e.from === 'app_0' || e.to === 'app_0')).toHaveLength(1);
    // Mermaid decodes its entity codes when it draws: the label shows the name exactly.
    const decoded = chart.nodes
      .get('app_0')!
      .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(+code));
    expect(decoded).toBe(`app web<br>service.name ${hostile}`);
  });
});

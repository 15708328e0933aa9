import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RenderPlan } from '../../src/render/plan.js';
import { planOfObject } from '../helpers/plan.js';

const plan = (raw: Record<string, unknown>) => planOfObject({ name: 'demo', backend: 'tempo', ...raw });
const file = (p: RenderPlan, path: string) => parse(p.files.find((f) => f.path === path)!.content);
const json = (p: RenderPlan, path: string) => JSON.parse(p.files.find((f) => f.path === path)!.content);

interface Datasource {
  uid: string;
  jsonData?: Record<string, { datasourceUid?: string } & Record<string, unknown>> & {
    exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[];
  };
  secureJsonData?: Record<string, string>;
}

describe('Grafana wiring of the Tempo stack', () => {
  it('provisions every datasource uid that links and dashboards name', async () => {
    const p = await plan({});
    const { datasources } = file(p, 'grafana/provisioning/datasources/datasources.yaml') as {
      datasources: Datasource[];
    };
    const uids = datasources.map((d) => d.uid);
    expect(uids).toEqual(['prometheus', 'tempo']);
    const referenced = datasources.flatMap((d) => [
      ...(d.jsonData?.exemplarTraceIdDestinations ?? []).map((e) => e.datasourceUid),
      d.jsonData?.tracesToMetrics?.datasourceUid,
      d.jsonData?.serviceMap?.datasourceUid,
    ]);
    for (const dashboard of ['red', 'collector']) {
      const model = json(p, `grafana/dashboards/${dashboard}.json`);
      referenced.push(
        ...model.panels.flatMap(
          (panel: { datasource: { uid: string }; targets: { datasource: { uid: string } }[] }) => [
            panel.datasource.uid,
            ...panel.targets.map((t) => t.datasource.uid),
          ],
        ),
      );
    }
    expect(referenced.filter((u) => u !== undefined).every((u) => uids.includes(u!))).toBe(true);
    expect(new Set(referenced.filter(Boolean))).toEqual(new Set(['prometheus', 'tempo']));
  });

  it("links exemplars by Tempo's label (traceID), and the collector's (trace_id) only when it makes span metrics too", async () => {
    const names = (p: RenderPlan) =>
      (
        file(p, 'grafana/provisioning/datasources/datasources.yaml') as { datasources: Datasource[] }
      ).datasources[0]!.jsonData!.exemplarTraceIdDestinations!.map((e) => e.name);
    expect(names(await plan({}))).toEqual(['traceID']);
    expect(names(await plan({ collector: { spanMetrics: true } }))).toEqual(['traceID', 'trace_id']);
  });

  it("reads RED panels from Tempo's metric names and labels", async () => {
    const red = json(await plan({}), 'grafana/dashboards/red.json');
    const exprs = red.panels
      .flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr))
      .join('\n');
    expect(exprs).toContain('traces_spanmetrics_calls_total{service=~"$service"');
    expect(exprs).toContain('traces_spanmetrics_latency_bucket');
    expect(exprs).not.toContain('service_name');
  });

  it('trusts the CA Grafana is given, at the path its container mounts', async () => {
    const p = await plan({ tls: { enabled: true } });
    const tempo = (
      file(p, 'grafana/provisioning/datasources/datasources.yaml') as { datasources: Datasource[] }
    ).datasources[1]!;
    expect(tempo.secureJsonData).toEqual({ tlsCACert: '$__file{/etc/grafana/tls/ca.crt}' });
    const grafana = (file(p, 'compose.yaml') as { services: Record<string, { volumes: string[] }> }).services
      .grafana!;
    expect(grafana.volumes).toContain('./tls/ca.crt:/etc/grafana/tls/ca.crt:ro');
  });
});

describe('config hash labels', () => {
  const labels = (p: RenderPlan) =>
    Object.fromEntries(
      Object.entries(
        (file(p, 'compose.yaml') as { services: Record<string, { labels?: Record<string, string> }> })
          .services,
      ).map(([name, s]) => [name, s.labels?.['dev.stackgen.config-sha256']]),
    );

  it('change only for the services whose mounted files changed', async () => {
    const before = labels(await plan({}));
    const after = labels(await plan({ collector: { batch: { timeout: '1s' } } }));
    expect(after['otel-collector']).not.toBe(before['otel-collector']);
    for (const service of ['tempo', 'prometheus', 'grafana'])
      expect(after[service], service).toBe(before[service]);
    expect(before['tempo-init']).toBeUndefined();
  });
});

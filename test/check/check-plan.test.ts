import { planOfObject, withEditedFile } from '../helpers/plan.js';
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/check/check-plan.js';
import { composeSchemaErrors } from '../../src/check/compose-schema.js';
import { dashboardProblems, datasourceProblems } from '../../src/check/grafana.js';
import type { RenderPlan } from '../../src/render/plan.js';

function plan(): Promise<RenderPlan> {
  return planOfObject({ name: 'demo', backend: 'jaeger' });
}

describe('checking a render plan before writing', () => {
  it('passes what stackgen renders', async () => {
    const sound = await plan();
    expect(() => checkPlan(sound)).not.toThrow();
  });

  it('reports output that does not parse back, naming the file, and calls it a stackgen bug', async () => {
    const broken = withEditedFile(await plan(), 'compose.yaml', (c) => `${c}\n  bad: [unclosed\n`);
    expect(() => checkPlan(broken)).toThrow(
      /a bug in stackgen; nothing was written\):\n {2}deploy\/demo\/compose\.yaml: does not parse back/,
    );
  });

  it('reports a compose file the compose-spec schema rejects', async () => {
    const broken = withEditedFile(await plan(), 'compose.yaml', (c) =>
      c.replace('restart: unless-stopped', 'restart: unless-stopped\n    restrat: always'),
    );
    expect(() => checkPlan(broken)).toThrow(
      'deploy/demo/compose.yaml: /services/otel-collector: must NOT have additional properties (restrat)',
    );
  });

  it('reports a bind mount of a file the plan does not hold', async () => {
    const broken = {
      ...(await plan()),
      files: (await plan()).files.filter((f) => f.path !== 'jaeger/config.yaml'),
    };
    expect(() => checkPlan(broken)).toThrow(
      'services.jaeger.volumes: mounts ./jaeger/config.yaml, which is neither generated nor an input',
    );
  });

  it('reports a collector config whose pipeline names an undeclared exporter', async () => {
    const broken = withEditedFile(await plan(), 'collector/config.yaml', (c) =>
      c.replace('exporters: [prometheus]', 'exporters: [prometheus, kafka]'),
    );
    expect(() => checkPlan(broken)).toThrow('"kafka" is not declared under exporters or connectors');
  });

  it('reports a dashboard pointing at a datasource that is not provisioned', async () => {
    const broken = withEditedFile(await plan(), 'grafana/dashboards/red.json', (c) =>
      c.replaceAll('"uid": "prometheus"', '"uid": "prom"'),
    );
    expect(() => checkPlan(broken)).toThrow('datasource uid "prom" is not provisioned');
  });
});

describe('compose-spec schema', () => {
  it('accepts a minimal compose file and rejects unknown keys', async () => {
    expect(composeSchemaErrors({ services: { web: { image: 'x' } } })).toEqual([]);
    expect(composeSchemaErrors({ servics: {} })).toEqual([
      '/: must NOT have additional properties (servics)',
    ]);
  });
});

describe('Grafana provisioning shape', () => {
  it('requires apiVersion 1, unique uids, one default and links to existing uids', async () => {
    expect(
      datasourceProblems({
        datasources: [
          { name: 'A', type: 'prometheus', uid: 'a', url: 'http://a', isDefault: true },
          {
            name: 'B',
            type: 'jaeger',
            uid: 'a',
            url: 'http://b',
            isDefault: true,
            jsonData: { tracesToMetrics: { datasourceUid: 'zzz' } },
          },
        ],
      }),
    ).toEqual([
      'apiVersion: must be 1',
      'datasources[1].uid: "a" is used twice',
      'datasources[1].jsonData: links to missing uid "zzz"',
      'datasources: more than one isDefault',
    ]);
  });

  it('requires dashboard uids of at most 40 characters and unique panel ids', async () => {
    expect(
      dashboardProblems({ uid: 'x'.repeat(41), title: 't', panels: [{ id: 1 }, { id: 1 }] }, []),
    ).toEqual(['uid: missing or longer than 40 characters', 'panels[1].id: missing or used twice']);
  });
});

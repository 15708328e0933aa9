/**
 * What a real run of each stack needs of its upstream components (issue #9), checked on the rendered
 * files; each test fails on the output stackgen rendered before the fix. Where a real tool can judge
 * (promtool for PromQL and alert rules), it does.
 */
import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { StackInvalidError } from '../../src/errors.js';
import { fileOf, parsedOf, planOf } from '../helpers/plan.js';
import { testdir } from '../helpers/testdir.js';
import { ROOT } from '../helpers/golden.js';

const preset = (name: string) => readFile(path.join(ROOT, 'stacks', `${name}.yaml`), 'utf8');

interface Compose {
  services: Record<string, { environment?: Record<string, string>; logging?: unknown; command?: string[] }>;
}
interface CollectorConfig {
  processors: Record<string, { attributes?: { key: string; from_attribute: string; action: string }[] }>;
  receivers: { otlp: { protocols: { http: { cors?: Record<string, unknown> } } } };
  service: { pipelines: Record<string, { processors: string[]; exporters: string[] }> };
}
interface Datasources {
  datasources: {
    type: string;
    jsonData: { tracesToMetrics?: { tags: { key: string; value: string }[]; queries: { query: string }[] } };
  }[];
}

/** Runs PromQL expressions through promtool (as recording rules): the real parser judges them. */
async function assertValidPromql(expressions: string[]): Promise<void> {
  const dir = await testdir();
  const file = path.join(dir, 'rules.yml');
  await writeFile(
    file,
    stringify({
      groups: [{ name: 'check', rules: expressions.map((expr, i) => ({ record: `check:q${i}`, expr })) }],
    }),
  );
  const result = await execa('promtool', ['check', 'rules', file], { reject: false });
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
}

describe('SigNoz', () => {
  it('refuses a collector without logs, which SigNoz would never hand its configuration', async () => {
    const text = (await preset('signoz')).replace(
      'signals: [traces, metrics, logs]',
      'signals: [traces, metrics]',
    );
    const error = await planOf(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackInvalidError);
    expect((error as Error).message).toMatch(
      /^stacks\/demo\.yaml:\d+:\d+ collector\.signals: needs logs with SigNoz: SigNoz hands its collector a configuration only when it has a logs pipeline/m,
    );
  });

  it('pins the organisation by an id from .env, so a rename never makes a second one', async () => {
    const plan = await planOf(await preset('signoz'));
    const env = parsedOf<Compose>(plan, 'compose.yaml').services.signoz!.environment!;
    expect(env.SIGNOZ_USER_ROOT_ORG_ID).toBe('${SIGNOZ_ORG_ID:-00000000-0000-0000-0000-000000000000}');
    expect(plan.secrets.find((s) => s.name === 'SIGNOZ_ORG_ID')).toMatchObject({
      kind: 'id',
      onlyWithNewEnv: true,
    });
  });

  it("gives ClickHouse's own system logs a TTL, and never beside an engine", async () => {
    const plan = await planOf(await preset('signoz'));
    const config = parsedOf<Record<string, { ttl?: string; engine?: string }>>(
      plan,
      'clickhouse/config.d/stackgen.yaml',
    );
    for (const table of [
      'query_log',
      'trace_log',
      'metric_log',
      'asynchronous_metric_log',
      'part_log',
      'text_log',
    ])
      expect(config[table], table).toEqual({ ttl: 'event_date + INTERVAL 7 DAY DELETE' });
    // Defined with a full engine in the image's config.xml: a ttl beside it stops the server.
    expect(config.opentelemetry_span_log).toBeUndefined();
  });
});

describe('Jaeger stack: Grafana links from a span to its metrics', () => {
  it("copies service.name into a tag Jaeger's v1 API keeps, and maps that tag", async () => {
    const plan = await planOf(await preset('jaeger'));
    const collector = parsedOf<CollectorConfig>(plan, 'collector/config.yaml');
    const [copy] = Object.entries(collector.processors).filter(([, p]) => p.attributes);
    expect(copy![1].attributes).toEqual([
      { key: 'stackgen.service.name', from_attribute: 'service.name', action: 'insert' },
    ]);
    // In the pipeline that exports to Jaeger.
    const toJaeger = Object.values(collector.service.pipelines).find((p) =>
      p.exporters.some((e) => e.endsWith('/jaeger')),
    )!;
    expect(toJaeger.processors).toContain(copy![0]);
    const jaeger = parsedOf<Datasources>(
      plan,
      'grafana/provisioning/datasources/datasources.yaml',
    ).datasources.find((d) => d.type === 'jaeger')!;
    expect(jaeger.jsonData.tracesToMetrics!.tags).toEqual([
      { key: 'stackgen.service.name', value: 'service_name' },
    ]);
  });

  for (const backend of ['jaeger', 'tempo']) {
    it(`${backend}: every query is valid PromQL whether Grafana finds the tag or not`, async () => {
      const plan = await planOf(await preset(backend));
      const source = parsedOf<Datasources>(
        plan,
        'grafana/provisioning/datasources/datasources.yaml',
      ).datasources.find((d) => d.type === backend)!;
      // `$$` is Grafana provisioning's escape of `$`.
      const queries = source.jsonData.tracesToMetrics!.queries.map((q) => q.query.replace(/\$\$/g, '$'));
      await assertValidPromql([
        ...queries.map((q) => q.replaceAll('$__tags', '')),
        ...queries.map((q) => q.replaceAll('$__tags', 'service_name="checkout"')),
      ]);
    });
  }
});

describe('the collector dashboard', () => {
  it('counts the collector only: every query selects its job (Jaeger v2 serves otelcol_* too)', async () => {
    const plan = await planOf(await preset('jaeger'));
    const dashboard = parsedOf<{ panels: { targets: { expr: string }[] }[] }>(
      plan,
      'grafana/dashboards/collector.json',
    );
    const expressions = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const expr of expressions)
      expect(expr).toMatch(/\{__name__=~"otelcol_[^"]+", job="otel-collector"\}/);
    await assertValidPromql(expressions.map((e) => e.replaceAll('$__rate_interval', '5m')));
  });
});

describe('Tempo with sampling', () => {
  it('scales the sampled spans back up in span metrics and service graphs', async () => {
    const plan = await planOf(`${(await preset('tempo')).replace('samplingRatio: 1', 'samplingRatio: 0.1')}`);
    const tempo = parsedOf<{ metrics_generator: { processor?: Record<string, Record<string, boolean>> } }>(
      plan,
      'tempo/tempo.yaml',
    );
    expect(tempo.metrics_generator.processor).toEqual({
      span_metrics: { enable_tracestate_span_multiplier: true },
      service_graphs: { enable_tracestate_span_multiplier: true },
    });
    const unsampled = await planOf(await preset('tempo'));
    expect(fileOf(unsampled, 'tempo/tempo.yaml')).not.toContain('enable_tracestate_span_multiplier');
  });
});

describe('Grafana', () => {
  it('neither downloads nor auto-updates plugins at start (the pinned image is what runs)', async () => {
    const plan = await planOf(await preset('tempo'));
    const env = parsedOf<Compose>(plan, 'compose.yaml').services.grafana!.environment!;
    expect(env).toMatchObject({
      GF_PLUGINS_PREINSTALL_DISABLED: 'true',
      GF_PLUGINS_PUBLIC_KEY_RETRIEVAL_DISABLED: 'true',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    });
  });
});

describe('Prometheus', () => {
  it('sets retention in its config file (3.8+), not with the deprecated flag', async () => {
    const plan = await planOf(await preset('jaeger'));
    const config = parsedOf<{ storage: unknown }>(plan, 'prometheus/prometheus.yml');
    expect(config.storage).toEqual({ tsdb: { retention: { time: '15d' } } });
    const command = parsedOf<Compose>(plan, 'compose.yaml').services.prometheus!.command!;
    expect(command.join(' ')).not.toContain('retention');
  });

  it('refuses a pinned Prometheus older than 3.11, which misreads retention in the file', async () => {
    const text = (await preset('jaeger')).replace('prometheus: v3.14.0', 'prometheus: v3.7.0');
    await expect(planOf(text)).rejects.toThrow(
      /images\.versions\.prometheus: stackgen sets retention in prometheus\.yml/,
    );
  });
});

describe('container logs', () => {
  it('are rotated for every service of every preset', async () => {
    for (const name of ['jaeger', 'tempo', 'signoz']) {
      const compose = parsedOf<Compose>(await planOf(await preset(name)), 'compose.yaml');
      for (const [service, spec] of Object.entries(compose.services))
        expect(spec.logging, `${name}: ${service}`).toEqual({
          driver: 'json-file',
          options: { 'max-size': '10m', 'max-file': '3' },
        });
    }
  });

  it('are left to the engine with rotate: false', async () => {
    const compose = parsedOf<Compose>(
      await planOf('name: demo\nbackend: jaeger\ncontainerLogs: {rotate: false}\n'),
      'compose.yaml',
    );
    expect(Object.values(compose.services).every((s) => s.logging === undefined)).toBe(true);
  });
});

describe('OTLP/HTTP for browser apps', () => {
  it('answers CORS for the origins the stack file names', async () => {
    for (const backend of ['jaeger', 'signoz']) {
      const plan = await planOf(
        `name: demo\nbackend: ${backend}\ncollector:\n  otlp:\n    cors:\n      allowedOrigins: [http://localhost:5173]\n`,
      );
      const http = parsedOf<CollectorConfig>(plan, 'collector/config.yaml').receivers.otlp.protocols.http;
      expect(http.cors).toEqual({ allowed_origins: ['http://localhost:5173'] });
    }
  });

  it('refuses an origin that is not one', async () => {
    await expect(
      planOf(
        'name: demo\nbackend: jaeger\ncollector:\n  otlp:\n    cors:\n      allowedOrigins: ["localhost:5173"]\n',
      ),
    ).rejects.toThrow(
      'stacks/demo.yaml:6:24 collector.otlp.cors.allowedOrigins[0]: expected an origin such as https://app.example.com',
    );
  });
});

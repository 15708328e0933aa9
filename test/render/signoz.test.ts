import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { StackInvalidError } from '../../src/errors.js';
import { loadStackText } from '../../src/model/load.js';
import { renderStack, type RenderPlan } from '../../src/render/plan.js';
import { described, loadObject, planOfObject } from '../helpers/plan.js';
import { testdir } from '../helpers/testdir.js';

const validate = (raw: Record<string, unknown>) =>
  loadObject({ name: 'sz', backend: 'signoz', ...raw }, 'stacks/sz.yaml');
const errors = async (raw: Record<string, unknown>) => described((await validate(raw)).errors);
const warnings = async (raw: Record<string, unknown>) => described((await validate(raw)).warnings);
const plan = (raw: Record<string, unknown> = {}) =>
  planOfObject({ name: 'sz', backend: 'signoz', ...raw }, 'stacks/sz.yaml');
const compose = (p: RenderPlan) =>
  parse(p.files.find((f) => f.path === 'compose.yaml')!.content) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        ulimits?: unknown;
      }
    >;
  };

describe('SigNoz stack rules', () => {
  it('keeps the collector and ClickHouse versions in step', async () => {
    expect(await errors({ images: { versions: { clickhouse: '25.5.6' } } })).toEqual([
      "images.versions.clickhouse: SigNoz's collector v0.144.7 needs ClickHouse 25.12 or later; pin clickhouse to 25.12.5, or the collector below v0.144.6",
    ]);
    expect(
      await errors({ images: { versions: { clickhouse: '25.5.6', signozCollector: 'v0.144.5' } } }),
    ).toEqual([]);
    expect(await warnings({ images: { versions: { clickhouse: '26.1.2' } } })).toEqual([
      "images.versions.clickhouse: ClickHouse 26 breaks SigNoz's schema migrations so far (signoz#12257); 25.12.5 is known to work",
    ]);
  });

  it('wants Prometheus for Grafana, and no red dashboard (SigNoz shows RED itself)', async () => {
    expect(await errors({ grafana: { enabled: true } })).toEqual([
      "grafana.enabled: needs prometheus.enabled in a SigNoz stack: Grafana shows Prometheus' data; SigNoz has its own UI",
    ]);
    expect(await errors({ grafana: { enabled: true }, prometheus: { enabled: true } })).toEqual([]);
    expect(
      await errors({ grafana: { enabled: true, dashboards: ['red'] }, prometheus: { enabled: true } }),
    ).toEqual([
      'grafana.dashboards[0]: "red" reads span metrics from Prometheus; SigNoz keeps them in ClickHouse and shows them in its own UI',
    ]);
  });

  it('needs the metrics signal for span metrics, and no Prometheus for either', async () => {
    expect(await errors({ collector: { signals: ['traces', 'logs'] } })).toEqual([
      "collector.signals: needs metrics with spanMetrics: SigNoz's span metrics are written as metrics",
    ]);
    expect(await errors({ collector: { signals: ['traces', 'logs'], spanMetrics: false } })).toEqual([]);
  });

  it('accepts every signal by default and rejects settings of other backends', async () => {
    expect((await validate({})).stack?.collector.signals).toEqual(['traces', 'metrics', 'logs']);
    expect(await errors({ tempo: {} })).toEqual([
      'tempo: applies to the tempo backend only (backend: signoz)',
    ]);
    expect(await errors({ signoz: { admin: { email: 'not-an-email' } } })).toEqual([
      'signoz.admin.email: expected an email address, got "not-an-email"',
    ]);
  });
});

describe('the SigNoz stack', () => {
  it('orders its start: Keeper and the user scripts step, ClickHouse, the migrator, SigNoz, the collector', async () => {
    const { services } = compose(await plan());
    const condition = (service: string, on: string) => services[service]!.depends_on?.[on]?.condition;
    expect(condition('clickhouse', 'clickhouse-keeper')).toBe('service_healthy');
    expect(condition('clickhouse', 'clickhouse-user-scripts')).toBe('service_completed_successfully');
    expect(condition('schema-migrator', 'clickhouse')).toBe('service_healthy');
    expect(condition('signoz', 'schema-migrator')).toBe('service_completed_successfully');
    expect(condition('otel-collector', 'schema-migrator')).toBe('service_completed_successfully');
    expect(condition('otel-collector', 'signoz')).toBe('service_healthy');
  });

  it('takes every secret from .env and provisions the admin', async () => {
    const p = await plan({ signoz: { metastore: 'postgres' } });
    expect(p.secrets.map((s) => s.name)).toEqual([
      'SIGNOZ_JWT_SECRET',
      'SIGNOZ_ADMIN_PASSWORD',
      'SIGNOZ_ORG_ID',
      'SIGNOZ_POSTGRES_PASSWORD',
      'STACKGEN_ENV_ID',
    ]);
    const env = compose(p).services.signoz!.environment!;
    expect(env.SIGNOZ_TOKENIZER_JWT_SECRET).toMatch(/^\$\{SIGNOZ_JWT_SECRET:\?/);
    expect(env.SIGNOZ_USER_ROOT_PASSWORD).toMatch(/^\$\{SIGNOZ_ADMIN_PASSWORD:\?/);
    expect(env.SIGNOZ_USER_ROOT_ENABLED).toBe('true');
    expect(env.SIGNOZ_SQLSTORE_POSTGRES_DSN).toMatch(/^postgres:\/\/signoz:\$\{SIGNOZ_POSTGRES_PASSWORD:\?/);
    expect(compose(p).services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(
      /^\$\{SIGNOZ_POSTGRES_PASSWORD:\?/,
    );
  });

  it('hands the histogramQuantile URL to the download step through the environment, escaped', async () => {
    const url = 'https://mirror.example.org/a$b/hq';
    const env = compose(await plan({ signoz: { histogramQuantileUrl: url } })).services[
      'clickhouse-user-scripts'
    ]!.environment!;
    // Compose reads $$ as a literal $.
    expect(env.HISTOGRAM_QUANTILE_URL).toBe('https://mirror.example.org/a$$b/hq');
  });

  it('raises ClickHouse open files to the configured limit', async () => {
    expect(compose(await plan()).services.clickhouse!.ulimits).toEqual({
      nofile: { soft: 262144, hard: 262144 },
    });
    expect(
      compose(await plan({ signoz: { clickhouse: { openFilesLimit: 65536 } } })).services.clickhouse!.ulimits,
    ).toEqual({
      nofile: { soft: 65536, hard: 65536 },
    });
  });
});

describe('histogramQuantile from a folder of the repository (signoz.histogramQuantileDir)', () => {
  const text = (dir: string) => `name: sz\nbackend: signoz\nsignoz:\n  histogramQuantileDir: ${dir}\n`;
  const load = async (root: string, dir: string) =>
    loadStackText(root, 'stacks/sz.yaml', text(dir)).catch((error: unknown) => {
      if (error instanceof StackInvalidError)
        return error.issues.map((i) => `${i.line}:${i.col} ${i.path}: ${i.message}`);
      throw error;
    });

  it('mounts the folder into the step and names it, instead of downloading', async () => {
    const root = await testdir({ 'vendor/hq/histogram-quantile_linux_amd64.tar.gz': 'archive' });
    const loaded = await load(root, 'vendor/hq');
    if (Array.isArray(loaded)) throw new Error(loaded.join('\n'));
    const files = renderStack(loaded.stack).files;
    const step = parse(files.find((f) => f.path === 'compose.yaml')!.content).services[
      'clickhouse-user-scripts'
    ];
    expect(files.find((f) => f.path === 'README.md')!.content).toContain(
      "At its first start the stack takes ClickHouse's histogramQuantile function from\n`vendor/hq` (`signoz.histogramQuantileDir`), a folder of the repository: it needs no network.",
    );
    expect(step.volumes).toContain('../../vendor/hq:/etc/stackgen/histogram-quantile:ro');
    expect(step.environment.HISTOGRAM_QUANTILE_DIR).toBe('/etc/stackgen/histogram-quantile');
  });

  it('is refused, at the key, when missing or holding no release archive', async () => {
    const root = await testdir({ 'vendor/empty/README': 'nothing here' });
    expect(await load(root, 'vendor/none')).toEqual([
      '4:25 signoz.histogramQuantileDir: vendor/none is not a folder of the project',
    ]);
    expect(await load(root, 'vendor/empty')).toEqual([
      "4:25 signoz.histogramQuantileDir: vendor/empty holds no histogram-quantile_linux_amd64.tar.gz or _arm64.tar.gz (SigNoz's release files)",
    ]);
  });
});

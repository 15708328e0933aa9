import { describe, expect, it } from 'vitest';
import { described, loadObject } from '../helpers/plan.js';

/** `path: message` of every error (or warning) a raw stack gives. */
async function errors(raw: Record<string, unknown>): Promise<string[]> {
  return described((await loadObject({ name: 'demo', backend: 'jaeger', ...raw })).errors);
}
async function warnings(raw: Record<string, unknown>): Promise<string[]> {
  return described((await loadObject({ name: 'demo', backend: 'jaeger', ...raw })).warnings);
}

describe('stack defaults', () => {
  it('fills a minimal stack with the upstream ports, derived network names and pinned images', async () => {
    const { stack } = await loadObject({ name: 'shop', backend: 'jaeger' }, 'stacks/shop.yaml');
    expect(stack).toMatchObject({
      output: 'deploy/shop',
      components: ['collector', 'jaeger', 'prometheus', 'grafana'],
      networks: { observability: 'shop-net', applications: [{ name: 'shop-apps', external: false }] },
      exposure: {
        bindAddress: '127.0.0.1',
        ports: { collector: { otlpGrpc: 4317, otlpHttp: 4318, health: 13133 }, jaeger: { ui: 16686 } },
      },
      images: {
        'otel-collector': 'otel/opentelemetry-collector-contrib:0.159.0',
        jaeger: 'jaegertracing/jaeger:2.20.0',
        prometheus: 'prom/prometheus:v3.14.0',
        grafana: 'grafana/grafana:13.2.0',
      },
    });
  });

  it('puts the registry mirror before every default image, and lets an override win', async () => {
    const { stack } = await loadObject(
      {
        name: 'shop',
        backend: 'jaeger',
        images: { registry: 'mirror.example.com:5000/hub/', overrides: { grafana: 'local/grafana:dev' } },
      },
      'stacks/shop.yaml',
    );
    expect(stack?.images).toEqual({
      'otel-collector': 'mirror.example.com:5000/hub/otel/opentelemetry-collector-contrib:0.159.0',
      jaeger: 'mirror.example.com:5000/hub/jaegertracing/jaeger:2.20.0',
      prometheus: 'mirror.example.com:5000/hub/prom/prometheus:v3.14.0',
      grafana: 'local/grafana:dev',
    });
  });

  it('runs only the components that are enabled', async () => {
    const { stack } = await loadObject(
      {
        name: 'x1',
        backend: 'jaeger',
        collector: { spanMetrics: false, signals: ['traces'] },
        prometheus: { enabled: false },
        grafana: { enabled: false },
      },
      'stacks/x1.yaml',
    );
    expect(stack?.components).toEqual(['collector', 'jaeger']);
  });
});

describe('cross-field rules', () => {
  it('errors on a host port used twice', async () => {
    expect(await errors({ exposure: { ports: { grafana: { ui: 4318 } } } })).toEqual([
      'exposure.ports.grafana.ui: host port 4318 is already used by exposure.ports.collector.otlpHttp',
    ]);
  });

  it('lets a port be unpublished with false, which frees it for another component', async () => {
    expect(
      await errors({ exposure: { ports: { collector: { health: false }, grafana: { ui: 13133 } } } }),
    ).toEqual([]);
  });

  it('errors on published ports of components that do not run', async () => {
    expect(
      await errors({
        prometheus: { enabled: false },
        collector: { spanMetrics: false, signals: ['traces'] },
        grafana: { enabled: false },
        exposure: { ports: { prometheus: { ui: 9091 } } },
      }),
    ).toEqual(['exposure.ports.prometheus: prometheus is disabled in this stack']);
  });

  it('errors on apps joining networks that are not declared, with a suggestion', async () => {
    expect(await errors({ apps: [{ service: 'web', networks: ['demo-app'] }] })).toEqual([
      'apps[0].networks[0]: "demo-app" is not an application network (declared: demo-apps) (did you mean "demo-apps"?)',
    ]);
    expect(await errors({ apps: [{ service: 'web', networks: ['demo-net'] }] })).toEqual([
      'apps[0].networks[0]: "demo-net" is not an application network (declared: demo-apps) (every app joins the observability network already)',
    ]);
  });

  it('errors on duplicate network names and on an empty list of application networks', async () => {
    expect(
      await errors({ networks: { observability: { name: 'shared' }, applications: [{ name: 'shared' }] } }),
    ).toEqual([
      'networks.applications[0].name: network name "shared" is already used by networks.observability.name',
    ]);
    expect(await errors({ networks: { applications: [] } })).toEqual([
      'networks.applications: needs at least one network for your applications to reach the collector',
    ]);
  });

  it('errors on duplicate apps and on apps named like a stack service', async () => {
    expect(await errors({ apps: [{ service: 'web' }, { service: 'web' }, { service: 'grafana' }] })).toEqual([
      'apps[1].service: app "web" is listed twice; to connect it from two compose files, give each entry a name of its own',
      'apps[2].service: "grafana" is the name of a stack service; apps need names of their own',
    ]);
  });

  it('checks resource attribute keys and leaves service.name to serviceName', async () => {
    const app = (resourceAttributes: Record<string, string>) => ({
      apps: [{ service: 'web', resourceAttributes }],
    });
    expect(await errors(app({ 'deployment.environment.name': 'a, b=c' }))).toEqual([]);
    expect(await errors(app({ 'service.name': 'web' }))).toEqual([
      'apps[0].resourceAttributes["service.name"]: set the service name with serviceName instead',
    ]);
    expect(await errors(app({ 'bad key': 'x' }))).toEqual([
      'apps[0].resourceAttributes["bad key"]: expected an attribute key such as deployment.environment.name, got "bad key"',
    ]);
  });

  it('requires a missing app field by name', async () => {
    expect(await errors({ apps: [{ protocol: 'grpc' }] })).toEqual([
      'apps[0].service: is required (a string)',
    ]);
  });

  it('checks scrape jobs: unique names, no built-in names, known apps, a port', async () => {
    expect(
      await errors({
        apps: [{ service: 'web' }],
        prometheus: {
          scrapeJobs: [
            { name: 'jaeger', targets: ['x:1'] },
            { name: 'api', app: 'wbe', port: 9464 },
            { name: 'api', app: 'web' },
            { name: 'both', app: 'web', port: 1, targets: ['x:1'] },
          ],
        },
      }),
    ).toEqual([
      'prometheus.scrapeJobs[0].name: "jaeger" is a built-in job (prometheus, otel-collector, otel-collector-exporter, jaeger, grafana)',
      'prometheus.scrapeJobs[1].app: no app named "wbe" in apps (did you mean "web"?)',
      'prometheus.scrapeJobs[2].name: job "api" is defined twice',
      'prometheus.scrapeJobs[2].app: needs port: the port web serves metrics on',
      'prometheus.scrapeJobs[3]: needs either app (with port) or targets',
    ]);
  });

  it('errors on image overrides for services the stack does not have', async () => {
    expect(await errors({ images: { overrides: { 'otel-colector': 'x/y:1' } } })).toEqual([
      'images.overrides.otel-colector: no service "otel-colector" in this stack (services: otel-collector, jaeger, prometheus, grafana) (did you mean "otel-collector"?)',
    ]);
  });

  it('keeps the output folder inside the project and away from the stack files', async () => {
    expect(await errors({ output: '../elsewhere' })).toEqual([
      'output: must be a folder inside the project root, got "../elsewhere"',
    ]);
    expect(await errors({ output: 'stacks/out' })).toEqual([
      'output: "stacks/out" is reserved; use a folder of its own such as deploy/demo',
    ]);
    expect((await errors({ output: '/abs' }))[0]).toContain('output: expected a relative path');
  });

  it('requires traces, and a Prometheus for span metrics, metrics and dashboards', async () => {
    expect(await errors({ collector: { signals: ['metrics'] } })).toEqual([
      'collector.signals: must include traces: the jaeger stack is built around them',
    ]);
    expect(await errors({ prometheus: { enabled: false } })).toEqual([
      'collector.spanMetrics: needs prometheus.enabled: span metrics are exported for Prometheus to scrape',
      'collector.signals: metrics need prometheus.enabled: the jaeger backend stores no metrics',
      'grafana.dashboards[0]: "red" reads Prometheus, which is disabled',
      'grafana.dashboards[1]: "collector" reads Prometheus, which is disabled',
    ]);
    expect(await errors({ collector: { spanMetrics: false } })).toEqual([
      'grafana.dashboards[0]: "red" is drawn from span metrics: set collector.spanMetrics to true',
    ]);
    // Tempo makes them itself too: the message names the key of its own (its facts' spanMetricsKey).
    expect(await errors({ backend: 'tempo', tempo: { metricsGenerator: { spanMetrics: false } } })).toEqual([
      'grafana.dashboards[0]: "red" is drawn from span metrics: set tempo.metricsGenerator.spanMetrics or collector.spanMetrics to true',
    ]);
    expect(
      await errors({
        backend: 'tempo',
        tempo: { metricsGenerator: { spanMetrics: false } },
        collector: { spanMetrics: true },
      }),
    ).toEqual([]);
  });

  it('errors on a signal or dashboard listed twice', async () => {
    expect(
      await errors({ collector: { signals: ['traces', 'traces'] }, grafana: { dashboards: ['red', 'red'] } }),
    ).toEqual([
      'collector.signals[1]: signal "traces" is listed twice',
      'grafana.dashboards[1]: dashboard "red" is listed twice',
    ]);
  });

  it('warns when the stack is published on every interface, and when logs have no store', async () => {
    expect(
      await warnings({
        exposure: { bindAddress: '0.0.0.0' },
        collector: { signals: ['traces', 'metrics', 'logs'] },
      }),
    ).toEqual([
      'collector.signals: the jaeger stack stores no logs: the collector accepts them and only writes a summary to its own log (loki.enabled: true stores them)',
      'exposure.bindAddress: 0.0.0.0 publishes the collector and the UIs to every network this host is on; use 127.0.0.1 unless that is intended',
    ]);
  });

  it('rejects a jaeger section for another backend', async () => {
    expect(await errors({ backend: 'tempo', jaeger: { retention: '24h' } })).toContain(
      'jaeger: applies to the jaeger backend only (backend: tempo)',
    );
  });
});

describe('Loki (loki.enabled)', () => {
  it('runs Loki beside the backend and turns the collector logs pipeline on by default', async () => {
    const { stack } = await loadObject({ name: 'demo', backend: 'tempo', loki: { enabled: true } });
    expect(stack?.components).toEqual(['collector', 'tempo', 'loki', 'prometheus', 'grafana']);
    expect(stack?.collector.signals).toEqual(['traces', 'metrics', 'logs']);
    expect(stack?.images.loki).toBe('grafana/loki:3.7.6');
    expect(stack?.memoryMiB.loki).toBe(1024);
    expect(stack?.exposure.ports.loki).toEqual({ api: 3100 });
    expect(stack?.scrapeJobs.map((j) => j.name)).toContain('loki');
  });

  it('is off by default: no Loki, no logs pipeline', async () => {
    const { stack } = await loadObject({ name: 'demo', backend: 'tempo' });
    expect(stack?.components).not.toContain('loki');
    expect(stack?.collector.signals).toEqual(['traces', 'metrics']);
  });

  it('refuses Loki with SigNoz, which stores logs itself', async () => {
    expect(await errors({ backend: 'signoz', loki: { enabled: true } })).toContain(
      'loki.enabled: applies to the jaeger and tempo backends: SigNoz stores logs in ClickHouse itself',
    );
  });

  it('refuses a collector that does not accept logs, which would leave Loki empty', async () => {
    expect(await errors({ loki: { enabled: true }, collector: { signals: ['traces', 'metrics'] } })).toEqual([
      'collector.signals: needs logs with loki.enabled: the collector sends Loki the logs it accepts',
    ]);
  });

  it('takes retention in whole days only, as Loki keeps an index table per day', async () => {
    for (const retention of ['12h', '36h', '90m']) {
      expect(await errors({ loki: { enabled: true, retention } }), retention).toEqual([
        `loki.retention: expected whole days (24h, 7d, 2w): Loki's index has a table per day, got "${retention}"`,
      ]);
    }
    for (const retention of ['24h', '7d', '2w', '1d24h']) {
      expect(await errors({ loki: { enabled: true, retention } }), retention).toEqual([]);
    }
  });

  it('warns of index labels that change with every process, and refuses one listed twice', async () => {
    const labels = ['service.name', 'service.instance.id', 'k8s.pod.name', 'service.name'];
    expect(await warnings({ loki: { enabled: true, indexLabels: labels } })).toEqual([
      'loki.indexLabels[1]: "service.instance.id" changes with every process, pod or container: as a label it makes a stream each, which slows Loki; it stays searchable as structured metadata without it',
      'loki.indexLabels[2]: "k8s.pod.name" changes with every process, pod or container: as a label it makes a stream each, which slows Loki; it stays searchable as structured metadata without it',
    ]);
    expect(await errors({ loki: { enabled: true, indexLabels: labels } })).toEqual([
      'loki.indexLabels[3]: "service.name" is listed twice',
    ]);
  });

  it('refuses a Loki port while Loki is off, and one another component publishes', async () => {
    expect(await errors({ exposure: { ports: { loki: { api: 3100 } } } })).toEqual([
      'exposure.ports.loki: loki is disabled in this stack',
    ]);
    expect(await errors({ loki: { enabled: true }, exposure: { ports: { loki: { api: 3000 } } } })).toEqual([
      'exposure.ports.grafana.ui: host port 3000 is already used by exposure.ports.loki.api',
    ]);
  });

  it("wants Loki's own certificate with the user's TLS files, and only when Loki runs", async () => {
    const files = {
      ca: 'certs/ca.crt',
      collector: { cert: 'certs/c.crt', key: 'certs/c.key' },
    };
    expect(await errors({ loki: { enabled: true }, tls: { enabled: true, files } })).toContain(
      "tls.files: needs loki: { cert, key } too: with TLS on, Loki's endpoints use it",
    );
    expect(
      await errors({ tls: { enabled: true, files: { ...files, loki: { cert: 'l.crt', key: 'l.key' } } } }),
    ).toContain('tls.files.loki: applies only with loki.enabled');
  });

  it("wants the backend's own certificate when it serves TLS (Tempo's tlsServer), and only for it", async () => {
    const files = {
      ca: 'certs/ca.crt',
      collector: { cert: 'certs/c.crt', key: 'certs/c.key' },
    };
    const tempo = { tempo: { cert: 'certs/t.crt', key: 'certs/t.key' } };
    const needs = "tls.files: needs tempo: { cert, key } too: with TLS on, Tempo's endpoints use it";
    // (The files named do not exist: that is reported too, and not asserted here.)
    expect(await errors({ backend: 'tempo', tls: { enabled: true, files } })).toContain(needs);
    expect(
      await errors({ backend: 'tempo', tls: { enabled: true, files: { ...files, ...tempo } } }),
    ).not.toContain(needs);
    expect(await errors({ tls: { enabled: true, files: { ...files, ...tempo } } })).toContain(
      'tls.files.tempo: applies to the tempo backend only (backend: jaeger)',
    );
    // Jaeger serves no TLS of its own: the stack file has no such key.
    expect((await errors({ tls: { enabled: true, files: { ...files, jaeger: tempo.tempo } } }))[0]).toBe(
      'tls.files.jaeger: unknown key "jaeger" (allowed: ca, collector, tempo, loki)',
    );
  });
});

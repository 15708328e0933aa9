/**
 * The parts of a generated stack, each described in one place: when it runs, the files it renders (with
 * what the stack's README says of them) and its named volumes. renderStack, the README and `down` loop
 * over this list; a new component is one line here, its module under views/ (its view and its entry, as
 * views/loki.ts) and its templates.
 */
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { INTERNAL_PORTS } from '../model/ports.js';
import { runs, yaml, type Component, type ComponentFile, type EndpointContext } from './component.js';
import type { Endpoint } from './endpoints.js';
import type { BaseView } from './view.js';
import { LOKI } from './views/loki.js';

export type { ComponentFile, EndpointContext };

export const COMPONENTS: Component[] = [
  {
    name: 'compose',
    runs: () => true,
    files: () => [
      yaml(
        'compose.yaml',
        'compose/compose.yaml',
        'The Docker Compose project: services, networks, volumes.',
      ),
      {
        path: '.env.example',
        template: 'compose/env.example',
        format: 'dotenv',
        readme: { description: 'Names of the secrets compose.yaml reads from .env (git-ignored).' },
      },
      { path: 'README.md', template: 'readme/README.md', format: 'markdown' },
    ],
    volumes: () => [],
  },
  {
    name: 'collector',
    runs: runs('collector'),
    files: ({ has }) => [
      yaml(
        'collector/config.yaml',
        has.signoz ? 'signoz/collector.yaml' : 'collector/config.yaml',
        'Collector pipelines: receivers, processors, exporters.',
      ),
    ],
    volumes: () => [],
    // SigNoz brings its own collector distribution: its service is SigNoz's.
    serviceTemplates: ({ has }) => (has.signoz ? [] : ['collector/service.yaml']),
    roles: ({ has }) => ({
      [SERVICE_NAMES.collector]: has.signoz
        ? "SigNoz's OpenTelemetry collector: receives OTLP from your apps, writes to ClickHouse"
        : 'OpenTelemetry collector: receives OTLP from your apps',
    }),
    endpoints: (stack, { url, secure }) => {
      const collector = SERVICE_NAMES.collector;
      const { grpcPort, httpPort } = stack.collector.otlp;
      const ports = stack.exposure.ports.collector;
      return [
        {
          name: 'OTLP over gRPC',
          host: url(ports.otlpGrpc, '', ''),
          network: `${secure}${collector}:${grpcPort}`,
        },
        {
          name: 'OTLP over HTTP',
          host: url(ports.otlpHttp, '', secure),
          network: `${secure}${collector}:${httpPort}`,
        },
        {
          name: 'Collector health',
          host: url(ports.health, '/'),
          network: `http://${collector}:${INTERNAL_PORTS.collectorHealth}/`,
        },
      ];
    },
  },
  {
    name: 'signoz',
    runs: runs('signoz'),
    files: () => [
      yaml(
        'collector/opamp.yaml',
        'signoz/opamp.yaml',
        'Where the collector asks SigNoz for its pipelines (OpAMP).',
      ),
      yaml(
        'clickhouse/config.d/stackgen.yaml',
        'signoz/clickhouse-config.yaml',
        "What SigNoz needs of ClickHouse: the cluster, Keeper, the function's folder.",
      ),
      yaml(
        'clickhouse/functions.yaml',
        'signoz/functions.yaml',
        'The histogramQuantile function SigNoz queries call.',
      ),
      {
        path: 'clickhouse/fetch-histogram-quantile.sh',
        template: 'signoz/fetch-histogram-quantile.sh',
        format: 'shell',
        readme: {
          description:
            'Puts that function into ClickHouse once: from signoz.histogramQuantileDir, else downloaded from signoz.histogramQuantileUrl.',
        },
      },
      yaml('clickhouse-keeper/keeper.yaml', 'signoz/keeper.yaml', 'ClickHouse Keeper, one server.'),
    ],
    volumes: (stack) => [
      'clickhouse-keeper-data',
      'clickhouse-data',
      'clickhouse-user-scripts',
      ...(stack.signoz.metastore === 'postgres' ? ['postgres-data'] : []),
      'signoz-data',
    ],
    serviceTemplates: () => ['signoz/services.yaml', 'signoz/collector-service.yaml'],
    roles: () => ({
      [SERVICE_NAMES.clickhouseKeeper]: 'ClickHouse Keeper: coordination for ClickHouse',
      [SERVICE_NAMES.clickhouseUserScripts]:
        "One-shot: fetches ClickHouse's histogramQuantile function once, then exits",
      [SERVICE_NAMES.clickhouse]: 'ClickHouse: stores traces, metrics and logs',
      [SERVICE_NAMES.postgres]: "PostgreSQL: SigNoz's users, dashboards and alerts",
      [SERVICE_NAMES.schemaMigrator]:
        "One-shot: creates and upgrades SigNoz's schema in ClickHouse, then exits",
      [SERVICE_NAMES.signoz]: 'SigNoz: UI, query API and alerts',
    }),
    endpoints: (stack, { url }) => [
      {
        name: `SigNoz (admin ${stack.signoz.admin.email})`,
        host: url(stack.exposure.ports.signoz.ui),
        network: `http://${SERVICE_NAMES.signoz}:${INTERNAL_PORTS.signozUi}`,
      },
    ],
  },
  {
    name: 'jaeger',
    runs: runs('jaeger'),
    files: () => [
      yaml('jaeger/config.yaml', 'jaeger/config.yaml', 'Jaeger storage (badger), query and health settings.'),
    ],
    volumes: () => ['jaeger-data'],
    serviceTemplates: () => ['jaeger/service.yaml'],
    roles: () => ({ [SERVICE_NAMES.jaeger]: 'Jaeger v2: stores and searches traces' }),
    endpoints: (stack, { url }) => [
      {
        name: 'Jaeger UI',
        host: url(stack.exposure.ports.jaeger.ui),
        network: `http://${SERVICE_NAMES.jaeger}:${INTERNAL_PORTS.jaegerUi}`,
      },
    ],
  },
  {
    name: 'tempo',
    runs: runs('tempo'),
    files: () => [
      yaml(
        'tempo/tempo.yaml',
        'tempo/tempo.yaml',
        'Tempo: receivers, local storage, retention, metrics generator.',
      ),
    ],
    volumes: () => ['tempo-data'],
    serviceTemplates: () => ['tempo/service.yaml'],
    roles: ({ has }) => ({
      [SERVICE_NAMES.tempoInit]: "One-shot: makes Tempo's data volume its own, then exits",
      [SERVICE_NAMES.tempo]: has.tempoGenerator
        ? 'Grafana Tempo 3: stores and searches traces, derives metrics from them'
        : 'Grafana Tempo 3: stores and searches traces',
    }),
    endpoints: (stack, { url, secure }) => [
      {
        name: 'Tempo API',
        host: url(stack.exposure.ports.tempo.api, '', secure),
        network: `${secure}${SERVICE_NAMES.tempo}:${INTERNAL_PORTS.tempoHttp}`,
      },
    ],
  },
  LOKI,
  {
    name: 'prometheus',
    runs: runs('prometheus'),
    files: () => [
      yaml('prometheus/prometheus.yml', 'prometheus/prometheus.yml', 'Scrape jobs, retention, rule files.'),
      yaml(
        'prometheus/rules/stack-health.yml',
        'prometheus/rules.yml',
        "Alerts on the stack's own health (Prometheus' Alerts page; no Alertmanager runs).",
      ),
    ],
    volumes: () => ['prometheus-data'],
    serviceTemplates: () => ['prometheus/service.yaml'],
    roles: ({ has }) => ({
      [SERVICE_NAMES.prometheus]: has.signoz
        ? "Prometheus: the collector's own metrics"
        : "Prometheus: span metrics and the collector's own metrics",
    }),
    endpoints: (stack, { url }) => [
      {
        name: 'Prometheus',
        host: url(stack.exposure.ports.prometheus.ui),
        network: `http://${SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`,
      },
    ],
  },
  {
    name: 'grafana',
    runs: runs('grafana'),
    files: ({ stack }) => {
      const provisioning = {
        path: 'grafana/provisioning/',
        description: 'Datasources and the dashboard provider Grafana loads at start.',
      };
      return [
        {
          ...yaml('grafana/provisioning/datasources/datasources.yaml', 'grafana/datasources.yaml'),
          readme: provisioning,
        },
        {
          ...yaml('grafana/provisioning/dashboards/dashboards.yaml', 'grafana/dashboards.yaml'),
          readme: provisioning,
        },
        ...stack.grafana.dashboards.map((name): ComponentFile => ({
          path: `grafana/dashboards/${name}.json`,
          template: `grafana/dashboards/${name}.json`,
          format: 'json',
          readme: { path: 'grafana/dashboards/', description: 'Dashboards, one JSON file each.' },
        })),
      ];
    },
    volumes: () => ['grafana-data'],
    serviceTemplates: () => ['grafana/service.yaml'],
    roles: ({ has }) => ({
      [SERVICE_NAMES.grafana]: has.signoz
        ? 'Grafana: dashboards'
        : has.loki
          ? 'Grafana: dashboards, trace and log search'
          : 'Grafana: dashboards and trace search',
    }),
    endpoints: (stack, { url }) => [
      {
        name: `Grafana (user ${stack.grafana.adminUser})`,
        host: url(stack.exposure.ports.grafana.ui),
        network: `http://${SERVICE_NAMES.grafana}:${INTERNAL_PORTS.grafana}`,
      },
    ],
  },
  {
    name: 'apps',
    runs: (stack) => stack.apps.length > 0,
    files: (view) =>
      view.apps.map((app) => ({
        path: app.overrideFile,
        template: 'compose/app-override.yaml',
        format: 'yaml',
        view: { ...view, app },
        readme: { path: 'apps/', description: 'An override file per app, for your own compose project.' },
      })),
    volumes: () => [],
  },
];

function running(stack: Stack): Component[] {
  return COMPONENTS.filter((c) => c.runs(stack));
}

/** Every file the stack renders, in component order. */
export function componentFiles(view: BaseView): ComponentFile[] {
  return running(view.stack).flatMap((c) => c.files(view));
}

/** The templates of the stack's compose services, in order. */
export function serviceTemplates(view: BaseView): string[] {
  return running(view.stack).flatMap((c) => c.serviceTemplates?.(view) ?? []);
}

/** What each service of the stack does, by service name. */
export function serviceRoles(view: BaseView): Record<string, string> {
  return Object.assign({}, ...running(view.stack).map((c) => c.roles?.(view) ?? {})) as Record<
    string,
    string
  >;
}

/** Every endpoint of the stack, in component order. */
export function componentEndpoints(stack: Stack, at: EndpointContext): Endpoint[] {
  return running(stack).flatMap((c) => c.endpoints?.(stack, at) ?? []);
}

/** The stack's named volumes, without the project prefix. */
export function stackVolumes(stack: Stack): string[] {
  return running(stack).flatMap((c) => c.volumes(stack));
}

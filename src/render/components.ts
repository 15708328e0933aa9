/**
 * The parts of a generated stack, each described in one place: when it runs, the files it renders (with
 * what the stack's README says of them) and its named volumes. renderStack, the README and `down` loop
 * over this list; a new component is one entry here, its view under views/ and its templates.
 */
import type { Stack } from '../model/normalize.js';
import type { FileFormat } from './marker.js';
import type { BaseView } from './view.js';

export interface ComponentFile {
  /** Relative to the output folder. */
  path: string;
  template: string;
  format: FileFormat;
  /** The view the template renders, when not the stack's (an app's override). */
  view?: object;
  /** The README's row for it: a folder row (`grafana/dashboards/`) stands for every file in it. */
  readme?: { path?: string; description: string };
}

interface Component {
  name: string;
  runs(stack: Stack): boolean;
  files(view: BaseView): ComponentFile[];
  /** Named volumes, without the project prefix compose adds. */
  volumes(stack: Stack): string[];
}

const runs = (role: Stack['components'][number]) => (stack: Stack) => stack.components.includes(role);
const yaml = (path: string, template: string, description?: string): ComponentFile => ({
  path,
  template,
  format: 'yaml',
  ...(description ? { readme: { description } } : {}),
});

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
  },
  {
    name: 'jaeger',
    runs: runs('jaeger'),
    files: () => [
      yaml('jaeger/config.yaml', 'jaeger/config.yaml', 'Jaeger storage (badger), query and health settings.'),
    ],
    volumes: () => ['jaeger-data'],
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
  },
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

/** The stack's named volumes, without the project prefix. */
export function stackVolumes(stack: Stack): string[] {
  return running(stack).flatMap((c) => c.volumes(stack));
}

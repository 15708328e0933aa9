/**
 * Grafana: provisioned datasources with fixed uids and the links between them, the dashboards, and its entry
 * among the components (GRAFANA).
 */
import { backendOf } from '../../backends/index.js';
import { INTERNAL_PORTS } from '../../model/ports.js';
import path from 'node:path';
import { DATASOURCE_UIDS, dashboardUid, tracesDatasource } from './datasources.js';
import { SERVICE_NAMES, type Stack } from '../../model/normalize.js';
import type { Dashboard } from '../../model/constants.js';
import {
  collectorDashboardPanels,
  DASHBOARD_SCHEMA_VERSION,
  logsPanel,
  redDashboardPanels,
} from './dashboards.js';
import {
  allSpanMetricsSources,
  spanMetricsSource,
  type SpanMetricsSource,
} from '../../render/span-metrics.js';
import { publisher, readOnlyMount, wgetCheck, type Features } from '../../render/common.js';
import { runs, yaml, type Component, type ComponentFile } from '../../render/component.js';

/** Where Grafana finds the stack's CA inside its container. */
const CA_FILE = '/etc/grafana/tls/ca.crt';

/** Where the user's own dashboards are mounted, a numbered folder per entry of grafana.extraDashboards. */
const EXTRA_DASHBOARDS_DIR = '/etc/grafana/dashboards-extra';

export function grafanaView(stack: Stack, has: Features, urls: { loki: string }) {
  const source = spanMetricsSource(stack);
  // The backend's datasource, when Grafana reads its traces (SigNoz keeps them to its own UI).
  const datasource = tracesDatasource(stack);
  const backend = backendOf(stack.backend);
  const reads = backend.render.grafana;
  const traces = datasource && reads ? { ...datasource, reads } : undefined;
  const tracesName = traces?.name ?? '';
  const tls = stack.tls.paths;
  const serviceTag = reads?.serviceTag ?? 'service.name';
  // Loki's API, and the backend's when it serves TLS (Tempo's), are HTTPS when the stack's TLS is on.
  const secureSources = tls
    ? [...(traces && backend.tlsServer ? [tracesName] : []), ...(has.loki ? ['Loki'] : [])]
    : [];
  const trustsCa = secureSources.length > 0;
  return {
    service: SERVICE_NAMES.grafana,
    image: stack.images[SERVICE_NAMES.grafana] ?? '',
    ports: publisher(stack)(INTERNAL_PORTS.grafana, stack.exposure.ports.grafana.ui),
    memLimit: `${stack.grafana.memoryLimitMiB}m`,
    dependsOn: [
      ...(has.prometheus ? [SERVICE_NAMES.prometheus] : []),
      ...(traces ? [traces.reads.service] : []),
      ...(has.loki ? [SERVICE_NAMES.loki] : []),
    ],
    uids: DATASOURCE_UIDS,
    adminUser: stack.grafana.adminUser,
    health: wgetCheck(`http://127.0.0.1:${INTERNAL_PORTS.grafana}/api/health`, { startPeriodSeconds: 30 }),
    prometheusUrl: `http://${SERVICE_NAMES.prometheus}:${INTERNAL_PORTS.prometheus}`,
    /** The backend's datasource: its template (in its folder under templates/), uid and URL. */
    traces: traces
      ? { template: traces.reads.datasourceTemplate, uid: traces.uid, url: traces.reads.url(stack) }
      : undefined,
    lokiUrl: urls.loki,
    tracesIsDefault: !has.prometheus,
    // Exemplars on span metrics carry the trace id, under a label that depends on who made them.
    exemplarDestinations: traces
      ? allSpanMetricsSources(stack).map((s) => ({
          label: s.exemplarLabel,
          uid: traces.uid,
          text: `Open trace in ${tracesName}`,
        }))
      : [],
    // Loki keeps each record's trace id as structured metadata: a link from it to the trace.
    traceLink: { uid: traces?.uid, url: '${__value.raw}', text: `Open trace in ${tracesName}` },
    // From a span to its service's logs of that trace. service.name is Loki's service_name label.
    tracesToLogs: has.loki
      ? {
          tagKey: serviceTag,
          label: 'service_name',
          query: '{${__tags}} | trace_id = "${__trace.traceId}"',
        }
      : undefined,
    folder: `${stack.name} (stackgen)`,
    extraDashboards: stack.extensions.dashboards.map((source, i) => {
      const dir = `${EXTRA_DASHBOARDS_DIR}/${i + 1}`;
      const target = source.kind === 'file' ? `${dir}/${path.posix.basename(source.path)}` : dir;
      return {
        provider: `${stack.name}-extra-${i + 1}`,
        folder: source.folder,
        dir,
        mount: readOnlyMount(path.posix.relative(stack.output, source.path), target),
      };
    }),
    tracesToMetrics: source && has.tracesToMetrics ? tracesToMetrics(source, serviceTag) : undefined,
    backendTls: trustsCa ? { caFile: CA_FILE, insecureSkipVerify: stack.tls.insecureSkipVerify } : undefined,
    caMount: tls && trustsCa ? readOnlyMount(tls.ca, CA_FILE) : undefined,
    caNote: `The stack's CA, which the ${secureSources.join(' and ')} datasource${secureSources.length > 1 ? 's trust' : ' trusts'}.`,
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    dashboards: {
      red: source ? redDashboard(stack, has, source) : undefined,
      collector: dashboard(stack, 'collector', 'OpenTelemetry collector', source, collectorDashboardPanels()),
    },
  };
}

/**
 * Links from a span to its service's RED metrics. `$__tags` is Grafana's, not ours: it becomes
 * `service_name="checkout"` when the span carries `tagKey`, and nothing when it does not. Fixed matchers come
 * first, so that an empty `$__tags` still leaves valid PromQL (`{status_code="…", }`, `{}`).
 */
function tracesToMetrics(source: SpanMetricsSource, tagKey: string) {
  const calls = (fixed = '') => `sum(rate(${source.calls}{${fixed}$__tags}[5m]))`;
  return {
    tagKey,
    serviceLabel: source.serviceLabel,
    queries: [
      { name: 'Request rate', query: calls() },
      { name: 'Error rate', query: `${calls('status_code="STATUS_CODE_ERROR", ')} / ${calls()}` },
      {
        name: 'Duration p95',
        query: `histogram_quantile(0.95, sum by (le) (rate(${source.durationBucket}{$__tags}[5m])))`,
      },
    ],
  };
}

function redDashboard(stack: Stack, has: Features, source: SpanMetricsSource) {
  const panels = redDashboardPanels(source);
  const last = panels[panels.length - 1]!.gridPos;
  return {
    ...dashboard(stack, 'red', 'Services: rate, errors, duration', source, panels),
    logs: has.loki
      ? {
          ...logsPanel(panels.length + 1, last.y + last.h),
          datasource: { type: 'loki', uid: DATASOURCE_UIDS.loki },
        }
      : undefined,
  };
}

function dashboard(
  stack: Stack,
  id: Dashboard,
  title: string,
  source: SpanMetricsSource | undefined,
  panels: unknown[],
) {
  const calls = source?.calls ?? '';
  const service = source?.serviceLabel ?? '';
  return {
    uid: dashboardUid(stack.name, id),
    title: `${title} (${stack.name})`,
    datasource: { type: 'prometheus', uid: DATASOURCE_UIDS.prometheus },
    serviceQuery: `label_values(${calls}, ${service})`,
    kindQuery: `label_values(${calls}{${service}=~"$service"}, span_kind)`,
    panels,
  };
}

export const GRAFANA: Component = {
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
  roles: ({ stack, has }) => ({
    [SERVICE_NAMES.grafana]: !tracesDatasource(stack)
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
};

/**
 * The stack's topology as the generated README draws it (a Mermaid flowchart): the Docker networks as
 * boxes, the services with their ports, the apps, and the path of a span from an app through the
 * collector to the backend and Grafana. Ids are made here from fixed names and indexes; every label is
 * escaped by the template's `mermaid` helper.
 */
import { SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { backendOf } from '../backends/index.js';
import { INTERNAL_PORTS } from '../model/ports.js';
import { allSpanMetricsSources } from './span-metrics.js';

interface DiagramNode {
  id: string;
  /** Shown one under the other. */
  lines: string[];
}

interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  /** Not the path of a span: set-up and coordination. */
  dotted: boolean;
}

export interface Diagram {
  groups: { id: string; label: string; nodes: DiagramNode[] }[];
  /** Nodes on no network the stack knows of. */
  loose: DiagramNode[];
  edges: DiagramEdge[];
}

const S = SERVICE_NAMES;
const idOf = (service: string) => `s_${service.replace(/-/g, '_')}`;

export function topologyDiagram(stack: Stack): Diagram {
  const running = new Set(stack.services.map((s) => s.name));
  const appNetworks = stack.networks.applications.map((n) => n.name);
  const backend = backendOf(stack.backend).render.diagram(stack);
  const ports = servicePorts(stack, backend.ports);
  const nodes = stack.services.map((s) => ({
    id: idOf(s.name),
    lines: [
      ...serviceLines(stack, s.name, ports[s.name] ?? []),
      // The collector joins every application network, so apps there reach it by name.
      ...(s.name === S.collector && appNetworks.length ? [`also on ${appNetworks.join(', ')}`] : []),
    ],
  }));
  const { grpcPort, httpPort } = stack.collector.otlp;
  const apps: (DiagramNode & { network: string | undefined; sends: string })[] = stack.apps.length
    ? stack.apps.map((app, i) => ({
        id: `app_${i}`,
        lines: [
          app.name === app.service ? `app ${app.service}` : `app ${app.service} (${app.name})`,
          `service.name ${app.serviceName}`,
          ...(app.networks.length > 1 ? [`also on ${app.networks.slice(1).join(', ')}`] : []),
        ],
        network: app.networks[0],
        sends: app.protocol === 'grpc' ? `OTLP gRPC :${grpcPort}` : `OTLP HTTP :${httpPort}`,
      }))
    : [
        {
          id: 'app_0',
          lines: ['your app'],
          network: stack.networks.applications[0]?.name,
          sends: `OTLP gRPC :${grpcPort} or HTTP :${httpPort}`,
        },
      ];
  const groups: Diagram['groups'] = [
    { id: 'net_0', label: `network ${stack.networks.observability}: the stack, and your apps`, nodes },
    ...stack.networks.applications.map((network, i) => ({
      id: `net_${i + 1}`,
      label: `network ${network.name}${network.external ? ' (external)' : ''}: your apps, and ${S.collector}`,
      nodes: apps.filter((a) => a.network === network.name).map(({ id, lines }) => ({ id, lines })),
    })),
  ].filter((g) => g.nodes.length > 0); // the table of networks in the README lists every one
  const loose = apps.filter((a) => a.network === undefined).map(({ id, lines }) => ({ id, lines }));

  const edges: DiagramEdge[] = [];
  const edge = (from: string, to: string, label: string, dotted = false) => {
    if (running.has(from) && running.has(to)) edges.push({ from: idOf(from), to: idOf(to), label, dotted });
  };
  const sent = running.has(S.loki) ? 'spans, logs' : 'spans';
  for (const app of apps) {
    edges.push({ from: app.id, to: idOf(S.collector), label: `${sent}, ${app.sends}`, dotted: false });
  }
  for (const e of backend.edges) edge(e.from, e.to, e.label, e.dotted);
  edge(S.collector, S.loki, 'logs (OTLP HTTP)');
  edge(S.loki, S.grafana, 'log search');
  edge(
    S.collector,
    S.prometheus,
    allSpanMetricsSources(stack).some((m) => m.origin === 'collector')
      ? 'span metrics, own metrics (scraped)'
      : 'own metrics (scraped)',
  );
  edge(S.prometheus, S.grafana, 'metrics');
  return { groups, loose, edges };
}

type Port = { what: string; port: number; host: number | false };

/** Each service's ports on the networks, and where they are published on the host (false: not). */
function servicePorts(stack: Stack, backend: Record<string, Port[]>): Record<string, Port[]> {
  const published = stack.exposure.ports;
  return {
    [S.collector]: [
      { what: 'OTLP gRPC', port: stack.collector.otlp.grpcPort, host: published.collector.otlpGrpc },
      { what: 'OTLP HTTP', port: stack.collector.otlp.httpPort, host: published.collector.otlpHttp },
      { what: 'health', port: INTERNAL_PORTS.collectorHealth, host: published.collector.health },
    ],
    ...backend,
    [S.loki]: [{ what: 'API', port: INTERNAL_PORTS.lokiHttp, host: published.loki.api }],
    [S.prometheus]: [{ what: 'UI', port: INTERNAL_PORTS.prometheus, host: published.prometheus.ui }],
    [S.grafana]: [{ what: 'UI', port: INTERNAL_PORTS.grafana, host: published.grafana.ui }],
  };
}

/** The service's name, its ports on the networks, and where they are published on the host. */
function serviceLines(stack: Stack, service: string, ports: Port[]): string[] {
  // On a Swarm, ports are published on the nodes, if at all (swarm.publish).
  const swarm = stack.target === 'swarm';
  const bind = swarm
    ? '<node>'
    : stack.exposure.bindAddress.includes(':')
      ? `[${stack.exposure.bindAddress}]`
      : stack.exposure.bindAddress;
  const onHost = swarm && stack.swarm.publish === 'none' ? [] : ports;
  const hostPorts = onHost.flatMap((p) => (p.host === false ? [] : [`${bind}:${p.host}`]));
  return [
    service,
    ...(ports.length ? [ports.map((p) => `${p.what} :${p.port}`).join(', ')] : []),
    ...(hostPorts.length ? [`host ${hostPorts.join(', ')}`] : []),
  ];
}

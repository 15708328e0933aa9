/** Host ports published by default: the upstream ports, so documentation and habits carry over. */
import { BACKEND_LIST, type BackendName, type BackendOf } from '../backends/index.js';
import { COMPONENT_HOST_PORTS } from '../components/index.js';
import type { Role } from './services.js';

export const DEFAULT_HOST_PORTS = {
  collector: COMPONENT_HOST_PORTS.collector.defaults,
  ...(Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b.hostPorts.defaults])) as {
    [N in BackendName]: BackendOf<N>['hostPorts']['defaults'];
  }),
  loki: COMPONENT_HOST_PORTS.loki.defaults,
  prometheus: COMPONENT_HOST_PORTS.prometheus.defaults,
  grafana: COMPONENT_HOST_PORTS.grafana.defaults,
} as const satisfies Record<Role, Record<string, number>>;

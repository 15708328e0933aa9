/** Host ports published by default: the upstream ports, so documentation and habits carry over. */
import { BACKEND_LIST, type BackendName, type BackendOf } from '../backends/index.js';
import type { Role } from './services.js';

export const DEFAULT_HOST_PORTS = {
  collector: { otlpGrpc: 4317, otlpHttp: 4318, health: 13133 },
  ...(Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b.hostPorts.defaults])) as {
    [N in BackendName]: BackendOf<N>['hostPorts']['defaults'];
  }),
  loki: { api: 3100 },
  prometheus: { ui: 9090 },
  grafana: { ui: 3000 },
} as const satisfies Record<Role, Record<string, number>>;

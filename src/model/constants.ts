/**
 * The stack model's fixed vocabulary: backends, signals, dashboards, name patterns, attribute lists. Kept
 * apart from the zod schema (schema.ts) so that the commands and renderers that need only these do not load
 * zod: a stack file that parsed before is taken from the cache (parse-cache.ts) without it.
 */

import { BACKEND_LIST, type BackendName } from '../backends/index.js';

export type Backend = BackendName;
/** The `backend:` values, in the order `init --backend` lists them (src/backends/index.ts). */
export const BACKENDS = BACKEND_LIST.map((b) => b.name) as [Backend, ...Backend[]];
/** How each backend is named in prose. */
export const BACKEND_NAMES = Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b.title])) as Record<
  Backend,
  string
>;

export { SIGNALS, type Signal } from '../components/collector/facts.js';
export { DASHBOARDS, type Dashboard } from '../components/grafana/facts.js';

/** Stack names: they become file paths, the compose project name and Docker network names. */
export const STACK_NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Resource attributes that change with every process, pod, container or run: never good Loki labels. */
export const PER_PROCESS_ATTRIBUTES = [
  'service.instance.id',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.replicaset.name',
  'k8s.job.name',
  'container.id',
  'container.name',
  'host.name',
  'process.pid',
];

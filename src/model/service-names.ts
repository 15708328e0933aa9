/**
 * The compose service names of the stack's own parts. Fixed: apps reach the collector by this name on every
 * backend. The backends' names are in their folders; `SERVICE_NAMES` (services.ts) holds them all.
 */
export const STACK_SERVICE_NAMES = {
  collector: 'otel-collector',
  loki: 'loki',
  prometheus: 'prometheus',
  grafana: 'grafana',
} as const;

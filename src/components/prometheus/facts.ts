/** Prometheus: span metrics, the collector's own, the backend's and the stack file's scrape jobs. */
import type { ComponentFacts } from '../facts.js';

export const FACTS = {
  name: 'prometheus',
  title: 'Prometheus',
  image: { repository: 'prom/prometheus', version: 'v3.14.0' },
  serviceName: 'prometheus',
  ports: { prometheus: 9090 },
  hostPorts: { defaults: { ui: 9090 }, description: 'Prometheus UI and API (9090).' },
  datasource: { uid: 'prometheus', name: 'Prometheus', type: 'prometheus' },
} as const satisfies ComponentFacts;

/** Grafana, with its datasources and dashboards provisioned. */
import type { ComponentFacts } from '../facts.js';

export const FACTS = {
  name: 'grafana',
  title: 'Grafana',
  image: { repository: 'grafana/grafana', version: '13.2.0' },
  serviceName: 'grafana',
  ports: { grafana: 3000 },
  hostPorts: { defaults: { ui: 3000 }, description: 'Grafana (3000).' },
} as const satisfies ComponentFacts;

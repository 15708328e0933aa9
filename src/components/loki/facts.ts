/** Grafana Loki 3, the logs store of the stacks whose backend stores no logs. */
import type { ComponentFacts } from '../facts.js';

export const FACTS = {
  name: 'loki',
  title: 'Loki',
  image: { repository: 'grafana/loki', version: '3.7.6' },
  serviceName: 'loki',
  ports: { lokiHttp: 3100, lokiGrpc: 9095 },
  hostPorts: { defaults: { api: 3100 }, description: 'Loki push and query API (3100).' },
  datasource: { uid: 'loki', name: 'Loki', type: 'loki' },
} as const satisfies ComponentFacts;

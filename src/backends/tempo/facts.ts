/** Grafana Tempo 3, with the one-shot step that hands it its data volume. */
import type { BackendFacts } from '../backend.js';
import type { z } from 'zod';
import type { TempoSchema } from '../../model/schema.js';

export const FACTS = {
  name: 'tempo',
  title: 'Tempo',
  images: {
    tempo: { repository: 'grafana/tempo', version: '3.0.3' },
    // 1.38 is Docker Hub's "unstable" busybox.
    busybox: { repository: 'busybox', version: '1.37.0' },
  },
  serviceNames: { tempo: 'tempo', tempoInit: 'tempo-init' },
  ports: { http: 3200, grpc: 9095 },
  hostPorts: { defaults: { api: 3200 }, description: 'Tempo query API (3200).' },
  services: () => [
    { name: 'tempo-init', image: 'busybox', oneShot: true },
    { name: 'tempo', image: 'tempo' },
  ],
  memoryMiB: (settings) => ({ tempo: settings.memoryLimitMiB }),
} as const satisfies BackendFacts<z.output<typeof TempoSchema>>;

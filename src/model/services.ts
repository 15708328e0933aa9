/**
 * Which compose services a stack runs, by backend: their names, images and whether they are one-shot
 * steps (which run to completion before the services that need them).
 */
import type { ImageKey } from './images.js';
import type { Backend } from './constants.js';

/** The parts of a stack a user configures and reaches (the stack file's sections and exposure keys). */
export type Role = 'collector' | 'jaeger' | 'tempo' | 'signoz' | 'loki' | 'prometheus' | 'grafana';

/** Compose service name of each role. Fixed: apps reach the collector by this name on every backend. */
export const SERVICE_NAMES = {
  collector: 'otel-collector',
  jaeger: 'jaeger',
  tempo: 'tempo',
  tempoInit: 'tempo-init',
  loki: 'loki',
  signoz: 'signoz',
  clickhouse: 'clickhouse',
  clickhouseKeeper: 'clickhouse-keeper',
  clickhouseUserScripts: 'clickhouse-user-scripts',
  postgres: 'postgres',
  schemaMigrator: 'schema-migrator',
  prometheus: 'prometheus',
  grafana: 'grafana',
} as const;

export interface ServiceSpec {
  name: string;
  image: ImageKey;
  /** Runs to completion (exit 0) instead of staying up. */
  oneShot: boolean;
  /** When the image is the same as another service's, that service: an override of it applies here too. */
  sameImageAs?: string;
}

const BACKEND_ROLES: Record<Backend, Role[]> = {
  jaeger: ['collector', 'jaeger'],
  tempo: ['collector', 'tempo'],
  signoz: ['collector', 'signoz'],
};

export function rolesFor(
  backend: Backend,
  options: { loki: boolean; prometheus: boolean; grafana: boolean },
): Role[] {
  const roles = [...BACKEND_ROLES[backend]];
  if (options.loki) roles.push('loki');
  if (options.prometheus) roles.push('prometheus');
  if (options.grafana) roles.push('grafana');
  return roles;
}

/** The services of a stack, in the order they are listed (and shown by status). */
export function servicesFor(
  roles: Role[],
  options: { postgres: boolean } = { postgres: false },
): ServiceSpec[] {
  const services: ServiceSpec[] = [];
  const add = (name: string, image: ImageKey, oneShot = false, sameImageAs?: string) =>
    services.push({ name, image, oneShot, ...(sameImageAs ? { sameImageAs } : {}) });
  const signoz = roles.includes('signoz');
  for (const role of roles) {
    switch (role) {
      case 'collector':
        // SigNoz brings its own collector distribution, listed after what it depends on (below).
        if (!signoz) add(SERVICE_NAMES.collector, 'collector');
        break;
      case 'signoz':
        add(SERVICE_NAMES.clickhouseKeeper, 'clickhouseKeeper');
        add(SERVICE_NAMES.clickhouseUserScripts, 'clickhouse', true, SERVICE_NAMES.clickhouse);
        add(SERVICE_NAMES.clickhouse, 'clickhouse');
        if (options.postgres) add(SERVICE_NAMES.postgres, 'postgres');
        add(SERVICE_NAMES.schemaMigrator, 'signozCollector', true, SERVICE_NAMES.collector);
        add(SERVICE_NAMES.signoz, 'signoz');
        add(SERVICE_NAMES.collector, 'signozCollector');
        break;
      case 'jaeger':
        add(SERVICE_NAMES.jaeger, 'jaeger');
        break;
      case 'tempo':
        add(SERVICE_NAMES.tempoInit, 'busybox', true);
        add(SERVICE_NAMES.tempo, 'tempo');
        break;
      case 'loki':
        add(SERVICE_NAMES.loki, 'loki');
        break;
      case 'prometheus':
        add(SERVICE_NAMES.prometheus, 'prometheus');
        break;
      case 'grafana':
        add(SERVICE_NAMES.grafana, 'grafana');
        break;
    }
  }
  return services;
}

/** The images a backend's stack may run: what its preset pins. */
export function imagesOfBackend(backend: Backend): ImageKey[] {
  const loki: Role[] = backend === 'signoz' ? [] : ['loki'];
  const all = servicesFor([...BACKEND_ROLES[backend], ...loki, 'prometheus', 'grafana'], { postgres: true });
  return [...new Set(all.map((s) => s.image))];
}

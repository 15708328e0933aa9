/**
 * Which compose services a stack runs: the stack's own (collector, Loki, Prometheus, Grafana) and its
 * backend's (src/backends/<name>/index.ts), their names, images and whether they are one-shot steps (which
 * run to completion before the services that need them).
 */
import type { Backend } from '../backends/backend.js';
import { BACKEND_LIST, BACKEND_SERVICE_NAMES, backendOf, type BackendName } from '../backends/index.js';
import type { ImageKey } from './images.js';
import { STACK_SERVICE_NAMES } from './service-names.js';
import type { BackendSections } from './normalize.js';

/** The parts of a stack a user configures and reaches (the stack file's sections and exposure keys). */
export type Role = 'collector' | BackendName | 'loki' | 'prometheus' | 'grafana';

/** Compose service name of each role. Fixed: apps reach the collector by this name on every backend. */
export const SERVICE_NAMES = { ...STACK_SERVICE_NAMES, ...BACKEND_SERVICE_NAMES } as const;

export interface ServiceSpec {
  name: string;
  image: ImageKey;
  /** Runs to completion (exit 0) instead of staying up. */
  oneShot: boolean;
  /** When the image is the same as another service's, that service: an override of it applies here too. */
  sameImageAs?: string;
}

export function rolesFor(
  backend: BackendName,
  options: { loki: boolean; prometheus: boolean; grafana: boolean },
): Role[] {
  const roles: Role[] = ['collector', backend];
  if (options.loki) roles.push('loki');
  if (options.prometheus) roles.push('prometheus');
  if (options.grafana) roles.push('grafana');
  return roles;
}

/** The backend sections of a stack, as normalize completes them. */
export type BackendSettings = BackendSections;

/** The services of a stack, in the order they are listed (and shown by status). */
export function servicesFor(roles: Role[], settings: BackendSettings): ServiceSpec[] {
  const services: ServiceSpec[] = [];
  const add = (name: string, image: ImageKey, oneShot = false, sameImageAs?: string) =>
    services.push({ name, image, oneShot, ...(sameImageAs ? { sameImageAs } : {}) });
  const name = BACKEND_LIST.find((b) => roles.includes(b.name))?.name;
  const backend: Backend<unknown> | undefined = name && backendOf(name);
  for (const role of roles) {
    if (role === 'collector') {
      // A backend with its own collector distribution lists it after what it depends on.
      if (!backend?.ownCollector) add(SERVICE_NAMES.collector, 'collector');
    } else if (role === name) {
      for (const s of backend!.services(settings[name]))
        add(s.name, s.image as ImageKey, s.oneShot, s.sameImageAs);
    } else add(SERVICE_NAMES[role as 'loki' | 'prometheus' | 'grafana'], role as ImageKey);
  }
  return services;
}

/** The images a backend's stack may run: what its preset pins. */
export function imagesOfBackend(name: BackendName): ImageKey[] {
  const backend: Backend<unknown> = backendOf(name);
  const stackOwn = backend.ownCollector ? [] : ['collector', 'loki'];
  return [...stackOwn, ...Object.keys(backend.images), 'prometheus', 'grafana'] as ImageKey[];
}

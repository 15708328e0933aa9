/**
 * Which compose services a stack runs: the stack's own (collector, Loki, Prometheus, Grafana) and its
 * backend's (src/backends/<name>/facts.ts), their names, images and whether they are one-shot steps (which
 * run to completion before the services that need them).
 */
import { BACKEND_LIST, BACKEND_SERVICE_NAMES, backendOf, type BackendName } from '../backends/index.js';
import type { ImageKey } from './images.js';
import { COMPONENT_SERVICE_NAMES } from '../components/index.js';
import type { BackendSections } from './normalize.js';

/** The parts of a stack a user configures and reaches (the stack file's sections and exposure keys). */
export type Role = 'collector' | BackendName | 'loki' | 'prometheus' | 'grafana';

/** Compose service name of each role. Fixed: apps reach the collector by this name on every backend. */
export const SERVICE_NAMES = { ...COMPONENT_SERVICE_NAMES, ...BACKEND_SERVICE_NAMES } as const;

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

const isBackend = (role: Role): role is BackendName => BACKEND_LIST.some((b) => b.name === role);

/** The services of a stack, in the order they are listed (and shown by status). */
export function servicesFor(roles: Role[], settings: BackendSections): ServiceSpec[] {
  const services: ServiceSpec[] = [];
  const add = (name: string, image: ImageKey, oneShot = false, sameImageAs?: string) =>
    services.push({ name, image, oneShot, ...(sameImageAs ? { sameImageAs } : {}) });
  const name = roles.find(isBackend);
  const backend = name && backendOf(name);
  for (const role of roles) {
    if (role === 'collector') {
      // A backend with its own collector distribution lists it after what it depends on.
      if (!backend || !backend.ownCollector) add(SERVICE_NAMES.collector, 'collector');
    } else if (isBackend(role)) {
      for (const s of backendOf(role).services(settings[role]))
        add(s.name, s.image as ImageKey, s.oneShot, s.sameImageAs);
    } else add(SERVICE_NAMES[role], role);
  }
  return services;
}

/** The images a backend's stack may run: what its preset pins. */
export function imagesOfBackend(name: BackendName): ImageKey[] {
  const backend = backendOf(name);
  const stackOwn = backend.ownCollector ? [] : ['collector', 'loki'];
  return [...stackOwn, ...Object.keys(backend.images), 'prometheus', 'grafana'] as ImageKey[];
}

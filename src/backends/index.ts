/**
 * The trace backends, in the order `stackgen init --backend` lists them. Each is its folder here (see
 * backend.ts and ARCHITECTURE.md, "Adding a backend"); a new one is its folder and a line in this list.
 */
import type { Backend } from './backend.js';
import { JAEGER } from './jaeger/index.js';
import { SIGNOZ } from './signoz/index.js';
import { TEMPO } from './tempo/index.js';

const REGISTERED = [SIGNOZ, JAEGER, TEMPO] as const;

/** Every backend, as the layers read them: through their interface (backend.ts). */
export const BACKEND_LIST: readonly Backend<unknown>[] = REGISTERED;

/** The types are worked out from each backend's own (its names, images, settings, ports). */
export type AnyBackend = (typeof REGISTERED)[number];
export type BackendName = AnyBackend['name'];
export type BackendOf<N extends BackendName> = Extract<AnyBackend, { name: N }>;

const BY_NAME = Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b])) as Record<
  BackendName,
  Backend<unknown>
>;

/** The backend of that name, as every layer reads it: through its interface (backend.ts). */
export function backendOf(name: BackendName): Backend<unknown> {
  return BY_NAME[name];
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

/** Every backend's images, by key. */
export type BackendImages = UnionToIntersection<AnyBackend['images']>;
export const BACKEND_IMAGES = Object.assign({}, ...BACKEND_LIST.map((b) => b.images)) as BackendImages;

/** Every backend's service names, by what the code calls them. */
export type BackendServiceNames = UnionToIntersection<AnyBackend['serviceNames']>;
export const BACKEND_SERVICE_NAMES = Object.assign(
  {},
  ...BACKEND_LIST.map((b) => b.serviceNames),
) as BackendServiceNames;

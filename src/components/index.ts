/**
 * The stack's own parts, in the order compose.yaml lists their services (a trace backend's come after the
 * collector's; src/backends/index.ts lists them). Each is its folder here: `facts.ts` for the model,
 * `render.ts` for the renderer, `verify.ts` for `verify`; the apps' folder holds what the stack does with
 * the user's own services.
 *
 * Each image pin is the newest release that was read and checked against the rest of the set; where each
 * comes from, and which newer releases wait to be checked, is in the README ("Version pins").
 */
import type { ComponentFacts } from './facts.js';
import { FACTS as COLLECTOR } from './collector/facts.js';
import { FACTS as GRAFANA } from './grafana/facts.js';
import { FACTS as LOKI } from './loki/facts.js';
import { FACTS as PROMETHEUS } from './prometheus/facts.js';

const REGISTERED = [COLLECTOR, LOKI, PROMETHEUS, GRAFANA] as const;

type Registered = (typeof REGISTERED)[number];
export type ComponentName = Registered['name'];

/** The parts, as the model reads them: through their facts (facts.ts). */
export const COMPONENT_LIST: readonly (ComponentFacts & { name: ComponentName })[] = REGISTERED;
type Of<N extends ComponentName> = Extract<Registered, { name: N }>;

const byName = <T>(pick: (c: Registered) => T) =>
  Object.fromEntries(REGISTERED.map((c) => [c.name, pick(c)])) as { [N in ComponentName]: T };

/** Each part's image, by its name. */
export const COMPONENT_IMAGES = byName((c) => c.image);
/** Each part's compose service name, by its name. */
export const COMPONENT_SERVICE_NAMES = byName((c) => c.serviceName) as {
  [N in ComponentName]: Of<N>['serviceName'];
};
/** Each part's host ports (`exposure.ports.<name>`), by its name. */
export const COMPONENT_HOST_PORTS = byName((c) => c.hostPorts) as {
  [N in ComponentName]: Of<N>['hostPorts'];
};

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;
/** Every part's ports inside the networks, by what the templates call them (`ports.lokiHttp`). */
export const COMPONENT_PORTS = Object.assign({}, ...REGISTERED.map((c) => c.ports)) as UnionToIntersection<
  Registered['ports']
>;

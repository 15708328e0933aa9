/**
 * What the model reads of one of the stack's own parts (the collector, Loki, Prometheus, Grafana): its
 * image and pin, its compose service, its ports. Each is its folder here, with its view and entry
 * (`render.ts`) and, where `verify` asks it something, its lookup (`verify.ts`); the list is `index.ts`.
 * Their stack-file sections stay in model/schema.ts, the one description of the stack file the trace
 * backends add theirs to.
 */
import type { ImageSpec } from '../backends/backend.js';

export interface ComponentFacts {
  /** Its section of the stack file and its `exposure.ports` key. */
  readonly name: string;
  /** How prose names it. */
  readonly title: string;
  /** Its image, with the tag pinned by default (`images.versions.<name>`). */
  readonly image: ImageSpec;
  /** Its compose service. Fixed: apps, the backends and the other parts reach it by this name. */
  readonly serviceName: string;
  /** Its ports inside the Docker networks (the upstream defaults), by what the templates call them. */
  readonly ports: Readonly<Record<string, number>>;
  /** What it publishes on the host: the upstream port per `exposure.ports.<name>` key, and what they are. */
  readonly hostPorts: { readonly defaults: Readonly<Record<string, number>>; readonly description: string };
  /** Its Grafana datasource, when Grafana reads it (a fixed uid, which dashboards and links name). */
  readonly datasource?: { readonly uid: string; readonly name: string; readonly type: string };
}

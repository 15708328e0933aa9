/**
 * What the model reads of one of the stack's own parts (the collector, Loki, Prometheus, Grafana): its
 * section of the stack file, its image and pin, its compose service, its ports. Each is its folder here,
 * with its view and entry (`render.ts`) and, where `verify` asks it something, its lookup (`verify.ts`);
 * the list is `index.ts`.
 */
import type * as zod from 'zod';
import type { ImageSpec } from '../backends/backend.js';
import type { SchemaKit } from '../model/schema-kit.js';

/** `Settings` is its section of the stack file, as its schema (`settings`) reads it. */
export interface ComponentFacts<Settings = unknown> {
  /** Its section of the stack file and its `exposure.ports` key. */
  readonly name: string;
  /** How prose names it. */
  readonly title: string;
  /** Its section of the stack file (`<name>:`), made from the schema's field types. */
  settings(kit: SchemaKit): zod.ZodType<Settings>;
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

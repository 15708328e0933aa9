/**
 * The settings of the sections a stack file may leave out (each backend's, `tls:`, `swarm:`), as the schema
 * fills them in. The bundle holds them as data, worked out at build time (scripts/build.ts), so that a run
 * whose stack file comes from the cache (parse-cache.ts) never loads zod.
 */
import { BACKEND_LIST, type BackendName } from '../backends/index.js';
import { SwarmSchema, TlsSchema, type StackParsed } from './schema.js';
import { SCHEMA_KIT } from './schema-kit.js';

export type SectionDefaults = Required<Pick<StackParsed, BackendName | 'tls' | 'swarm'>>;

/** A fresh copy at every call: callers may keep and change what they get. */
export function sectionDefaults(): SectionDefaults {
  return {
    ...(Object.fromEntries(BACKEND_LIST.map((b) => [b.name, b.settings(SCHEMA_KIT).parse({})])) as Pick<
      SectionDefaults,
      BackendName
    >),
    tls: TlsSchema.parse({}),
    swarm: SwarmSchema.parse({}),
  };
}

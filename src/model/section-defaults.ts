/**
 * The settings of the sections a stack file may leave out (`signoz:`, `jaeger:`, `tempo:`, `tls:`, `swarm:`),
 * as the schema fills them in. The bundle holds them as data, worked out at build time (scripts/build.ts), so
 * that a run whose stack file comes from the cache (parse-cache.ts) never loads zod.
 */
import {
  JaegerSchema,
  SignozSchema,
  SwarmSchema,
  TempoSchema,
  TlsSchema,
  type StackParsed,
} from './schema.js';

export type SectionDefaults = Required<Pick<StackParsed, 'signoz' | 'jaeger' | 'tempo' | 'tls' | 'swarm'>>;

/** A fresh copy at every call: callers may keep and change what they get. */
export function sectionDefaults(): SectionDefaults {
  return {
    signoz: SignozSchema.parse({}),
    jaeger: JaegerSchema.parse({}),
    tempo: TempoSchema.parse({}),
    tls: TlsSchema.parse({}),
    swarm: SwarmSchema.parse({}),
  };
}

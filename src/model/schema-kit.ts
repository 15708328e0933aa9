/**
 * The field types the stack model is made of, which the sections of the stack's parts and backends
 * (src/components/<name>/facts.ts, src/backends/<name>/facts.ts) are made of too: they get this kit from
 * schema.ts, so that their folders load no zod of their own (zod is loaded only when a stack file is not in
 * the parse cache).
 */
import * as z from 'zod';
import { BACKEND_LIST } from '../backends/index.js';
import type { Backend } from '../backends/backend.js';
import { listed } from '../prose.js';

// Zod compiles a parser per object schema with new Function, which pays off only when one schema parses
// many values; stackgen parses one stack file per run, and its CLI starts faster without it.
z.config({ jitless: true });

/** A path relative to the project root, in characters that need no quoting in a shell command. */
export const relativePath = z
  .string()
  .regex(/^[A-Za-z0-9._@+-][A-Za-z0-9._/@+-]*$/, {
    message: 'expected a relative path of letters, digits and "._/@+-" (no spaces)',
  })
  .max(255);

export const port = z.number().int().min(1).max(65535);
export const hostPort = z
  .union([port, z.literal(false)], { error: 'expected a port number from 1 to 65535, or false' })
  .describe(
    'Host port to publish on `exposure.bindAddress`, or `false` to keep the port inside the Docker network.',
  );

/** Prometheus durations: 30s, 15d, 1h30m. */
export const promDuration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w|y))+$/, { message: 'expected a Prometheus duration such as 15s, 12h or 15d' });
/** A Prometheus duration in milliseconds (`1d12h` is 129600000). */
export function promDurationMs(text: string): number {
  const unit: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, y: 31536e6 };
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * unit[u!]!;
  return total;
}

/**
 * Go durations as the collector reads them: 200ms, 5s, 1m30s. Written as a string, which the bundle escapes
 * to ASCII (bin/stackgen.js relies on it); a regular expression literal would keep the µ as it is.
 */
export const goDuration = z.string().regex(new RegExp('^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$'), {
  message: 'expected a duration such as 200ms, 5s or 1m',
});

/** Compose reads keys starting with `x-` as extension fields: a network or service so named vanishes. */
export const NOT_AN_EXTENSION = /^(?!x-)/;
export const extensionMessage = (what: string) =>
  `a ${what} name must not start with "x-": compose reads such keys as extension fields and ignores them`;

/** A service name in a compose file. */
export const serviceName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, {
    message: 'expected a compose service name (letters, digits, "_", ".", "-")',
  })
  .regex(NOT_AN_EXTENSION, { message: extensionMessage('service') })
  .max(63);

export const memoryLimitMiB = (fallback: number) =>
  z.number().int().min(64).max(262144).default(fallback).describe('Container memory limit in MiB.');

/**
 * The zod builders the sections use, named one by one: the bundle keeps only the parts of zod that are named
 * (the whole namespace handed over would add 360 kB to every start). A section that needs another adds it
 * here.
 */
const builders = {
  strictObject: z.strictObject,
  array: z.array,
  union: z.union,
  boolean: z.boolean,
  number: z.number,
  string: z.string,
  enum: z.enum,
  email: z.email,
  url: z.url,
};

export const SCHEMA_KIT = {
  z: builders,
  relativePath,
  port,
  hostPort,
  serviceName,
  promDuration,
  promDurationMs,
  goDuration,
  memoryLimitMiB,
  /** The backends that are so, named in prose ("Jaeger and Tempo"), for a description. */
  backendTitles: (which: (backend: Backend<unknown>) => boolean) =>
    listed(BACKEND_LIST.filter(which).map((b) => b.title)),
};
export type SchemaKit = typeof SCHEMA_KIT;

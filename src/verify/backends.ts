/**
 * What `verify` asks the stack's backend, through that backend's own lookups (src/backends/<name>/verify.ts,
 * loaded only here).
 */
import { backendOf } from '../backends/index.js';
import type { Stack } from '../model/normalize.js';
import type { LookupContext, ServiceSearch, TraceLookup } from './lookup.js';

export { LookupRefused } from './lookup.js';

/** How to ask this stack's backend for a trace by id, or why it cannot be asked from this machine. */
export async function traceLookup(context: LookupContext): Promise<TraceLookup | { skip: string }> {
  return (await backendOf(context.stack.backend).verify()).traceLookup(context);
}

/** How to search this stack's backend for a service's spans, or why it cannot be searched from here. */
export async function serviceSearch(
  stack: Stack,
): Promise<ServiceSearch | { skip: (service: string) => string }> {
  return (await backendOf(stack.backend).verify()).serviceSearch(stack);
}

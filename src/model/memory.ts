/**
 * The memory limit of every long-running service, in MiB: what compose enforces, what the stack README
 * adds up, and what `stackgen up` compares with the engine's memory. One-shot steps have none.
 */
import { backendOf, type BackendName } from '../backends/index.js';
import type { Stack } from './normalize.js';
import { COMPONENT_LIST } from '../components/index.js';

/** What the limits are worked out from (normalize does it once: `stack.memoryMiB`). */
type MemoryInputs = Pick<Stack, 'backend' | 'collector' | 'loki' | 'prometheus' | 'grafana' | 'services'> &
  Pick<Stack, BackendName>;

export function memoryLimits(stack: MemoryInputs): Record<string, number> {
  const backend = backendOf(stack.backend);
  const configured: Record<string, number> = {
    ...Object.fromEntries(COMPONENT_LIST.map((c) => [c.serviceName, stack[c.name].memoryLimitMiB])),
    ...backend.memoryMiB(stack[stack.backend]),
  };
  return Object.fromEntries(
    stack.services.filter((s) => !s.oneShot).map((s) => [s.name, configured[s.name]!] as const),
  );
}

export function totalMemoryMiB(stack: Pick<Stack, 'memoryMiB'>): number {
  return Object.values(stack.memoryMiB).reduce((sum, mib) => sum + mib, 0);
}

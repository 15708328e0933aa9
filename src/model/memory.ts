/**
 * The memory limit of every long-running service, in MiB: what compose enforces, what the stack README
 * adds up, and what `stackgen up` compares with the engine's memory. One-shot steps have none.
 */
import type { Stack } from './normalize.js';
import { SERVICE_NAMES } from './services.js';

/** What the limits are worked out from (normalize does it once: `stack.memoryMiB`). */
type MemoryInputs = Pick<
  Stack,
  'collector' | 'jaeger' | 'tempo' | 'loki' | 'signoz' | 'prometheus' | 'grafana' | 'services'
>;

/** Services whose limit the stack file does not set. */
const FIXED_MIB: Record<string, number> = {
  [SERVICE_NAMES.clickhouseKeeper]: 512,
  [SERVICE_NAMES.postgres]: 512,
};

export function memoryLimits(stack: MemoryInputs): Record<string, number> {
  const configured: Record<string, number> = {
    [SERVICE_NAMES.collector]: stack.collector.memoryLimitMiB,
    [SERVICE_NAMES.jaeger]: stack.jaeger.memoryLimitMiB,
    [SERVICE_NAMES.tempo]: stack.tempo.memoryLimitMiB,
    [SERVICE_NAMES.loki]: stack.loki.memoryLimitMiB,
    [SERVICE_NAMES.signoz]: stack.signoz.memoryLimitMiB,
    [SERVICE_NAMES.clickhouse]: stack.signoz.clickhouse.memoryLimitMiB,
    [SERVICE_NAMES.prometheus]: stack.prometheus.memoryLimitMiB,
    [SERVICE_NAMES.grafana]: stack.grafana.memoryLimitMiB,
    ...FIXED_MIB,
  };
  return Object.fromEntries(
    stack.services.filter((s) => !s.oneShot).map((s) => [s.name, configured[s.name]!] as const),
  );
}

export function totalMemoryMiB(stack: Pick<Stack, 'memoryMiB'>): number {
  return Object.values(stack.memoryMiB).reduce((sum, mib) => sum + mib, 0);
}

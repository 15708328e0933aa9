/**
 * The memory limit of every long-running service, in MiB: what compose enforces, what the stack README
 * adds up, and what `stackgen up` compares with the engine's memory. One-shot steps have none.
 */
import { SERVICE_NAMES, type Stack } from './normalize.js';

/** Services whose limit the stack file does not set. */
const FIXED_MIB: Record<string, number> = {
  [SERVICE_NAMES.clickhouseKeeper]: 512,
  [SERVICE_NAMES.postgres]: 512,
};

export function memoryLimits(stack: Stack): Record<string, number> {
  const configured: Record<string, number> = {
    [SERVICE_NAMES.collector]: stack.collector.memoryLimitMiB,
    [SERVICE_NAMES.jaeger]: stack.jaeger.memoryLimitMiB,
    [SERVICE_NAMES.tempo]: stack.tempo.memoryLimitMiB,
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

export function totalMemoryMiB(stack: Stack): number {
  return Object.values(memoryLimits(stack)).reduce((sum, mib) => sum + mib, 0);
}

import { COMPONENT_PORTS } from '../components/index.js';

/** Ports inside the containers (the upstream defaults): the stack's own parts' (src/components/<name>/facts.ts). */
export const INTERNAL_PORTS = {
  ...COMPONENT_PORTS,
  /** OTLP/gRPC of the trace backend (Jaeger or Tempo), which only the collector uses. */
  backendOtlpGrpc: 4317,
  backendOtlpHttp: 4318,
} as const;

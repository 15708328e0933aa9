/**
 * Consistency of an OpenTelemetry collector config (ours, and Jaeger v2's, which is one too): every
 * component a pipeline names is declared, every declared one is used, servers bind 0.0.0.0 inside the
 * container, memory_limiter comes first.
 */

type Section = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
const SECTIONS: Section[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];

interface CollectorConfig {
  [section: string]: unknown;
  service?: {
    extensions?: string[];
    pipelines?: Record<string, { receivers?: string[]; processors?: string[]; exporters?: string[] }>;
    telemetry?: { metrics?: { readers?: { pull?: { exporter?: { prometheus?: { host?: string } } } }[] } };
  };
}

export function collectorConfigProblems(config: CollectorConfig): string[] {
  const problems: string[] = [];
  const declared = (section: Section) => Object.keys((config[section] as object | undefined) ?? {});
  for (const key of Object.keys(config)) {
    if (key !== 'service' && !SECTIONS.includes(key as Section))
      problems.push(`${key}: not a collector config section`);
  }

  const pipelines = Object.entries(config.service?.pipelines ?? {});
  if (pipelines.length === 0) problems.push('service.pipelines: no pipeline');
  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  for (const [name, pipeline] of pipelines) {
    if (!/^(traces|metrics|logs|profiles)(\/.+)?$/.test(name))
      problems.push(`service.pipelines.${name}: unknown signal`);
    for (const role of ['receivers', 'processors', 'exporters'] as const) {
      const components = pipeline[role] ?? [];
      if (role !== 'processors' && components.length === 0)
        problems.push(`service.pipelines.${name}.${role}: empty`);
      for (const component of components) {
        used[role].add(component);
        const sections: Section[] = role === 'processors' ? ['processors'] : [role, 'connectors'];
        if (!sections.some((s) => declared(s).includes(component))) {
          problems.push(
            `service.pipelines.${name}.${role}: "${component}" is not declared under ${sections.join(' or ')}`,
          );
        }
      }
    }
    const processors = pipeline.processors ?? [];
    if (processors.includes('memory_limiter') && processors[0] !== 'memory_limiter') {
      problems.push(`service.pipelines.${name}.processors: memory_limiter must come first`);
    }
  }

  for (const role of ['receivers', 'processors', 'exporters'] as const) {
    for (const component of declared(role)) {
      if (!used[role].has(component)) problems.push(`${role}.${component}: declared but used by no pipeline`);
    }
  }
  for (const connector of declared('connectors')) {
    if (!used.exporters.has(connector) || !used.receivers.has(connector)) {
      problems.push(`connectors.${connector}: must be an exporter of one pipeline and a receiver of another`);
    }
  }
  const enabled = config.service?.extensions ?? [];
  for (const extension of declared('extensions')) {
    if (!enabled.includes(extension))
      problems.push(`extensions.${extension}: declared but not in service.extensions`);
  }
  for (const extension of enabled) {
    if (!declared('extensions').includes(extension))
      problems.push(`service.extensions: "${extension}" is not declared`);
  }

  for (const section of ['receivers', 'extensions'] as const) {
    for (const [at, endpoint] of serverEndpoints(config[section], section)) {
      if (!endpoint.startsWith('0.0.0.0:')) {
        problems.push(`${at}: "${endpoint}" is not reachable from other containers; bind 0.0.0.0`);
      }
    }
  }
  config.service?.telemetry?.metrics?.readers?.forEach((reader, i) => {
    const host = reader.pull?.exporter?.prometheus?.host;
    if (host !== undefined && host !== '0.0.0.0') {
      problems.push(
        `service.telemetry.metrics.readers[${i}]: host "${host}" is unreachable for Prometheus; use 0.0.0.0`,
      );
    }
  });
  return problems;
}

/** `endpoint` values that a server listens on (host:port, no URL scheme), with their paths. */
function serverEndpoints(node: unknown, at: string): [string, string][] {
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]): [string, string][] => {
    const here = `${at}.${key}`;
    if (key === 'endpoint' && typeof value === 'string') return value.includes('://') ? [] : [[here, value]];
    return serverEndpoints(value, here);
  });
}

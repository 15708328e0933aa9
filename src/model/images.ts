/**
 * Every image stackgen can run, and the version it pins by default. The presets in `stacks/` spell the
 * versions of their backend out (a test keeps them equal), so a user's stack file shows every pin in one
 * place and an upgrade is a one-line change there.
 */
export const IMAGES = {
  // The newest release of each that was read and checked against the rest of the set. Where each pin
  // comes from, and which newer releases wait to be checked, is in the README ("Version pins").
  collector: { repository: 'otel/opentelemetry-collector-contrib', version: '0.159.0' },
  jaeger: { repository: 'jaegertracing/jaeger', version: '2.20.0' },
  tempo: { repository: 'grafana/tempo', version: '3.0.3' },
  loki: { repository: 'grafana/loki', version: '3.7.6' },
  // 1.38 is Docker Hub's "unstable" busybox.
  busybox: { repository: 'busybox', version: '1.37.0' },
  prometheus: { repository: 'prom/prometheus', version: 'v3.14.0' },
  grafana: { repository: 'grafana/grafana', version: '13.2.0' },
  signoz: { repository: 'signoz/signoz', version: 'v0.138.0' },
  signozCollector: { repository: 'signoz/signoz-otel-collector', version: 'v0.144.7' },
  // The ClickHouse SigNoz tests and deploys with (its CI, its Helm chart, Foundry): 25.12.5, exactly.
  clickhouse: { repository: 'clickhouse/clickhouse-server', version: '25.12.5' },
  clickhouseKeeper: { repository: 'clickhouse/clickhouse-keeper', version: '25.12.5' },
  postgres: { repository: 'postgres', version: '16.15' },
} as const;

export type ImageKey = keyof typeof IMAGES;
export const IMAGE_KEYS = Object.keys(IMAGES) as ImageKey[];

/**
 * The image reference a service runs: the per-service override when there is one, else the image's
 * repository at its pinned version, behind the registry mirror prefix when one is set.
 */
export function imageReference(
  key: ImageKey,
  version: string,
  registry: string | undefined,
  override: string | undefined,
): string {
  if (override) return override;
  const { repository } = IMAGES[key];
  if (!registry) return `${repository}:${version}`;
  // Docker Hub's official images live under library/, which is how mirrors of Docker Hub name them.
  const path = repository.includes('/') ? repository : `library/${repository}`;
  return `${registry.replace(/\/+$/, '')}/${path}:${version}`;
}

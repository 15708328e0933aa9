import { BACKEND_IMAGES } from '../backends/index.js';

/**
 * Every image stackgen can run, and the version it pins by default. The presets in `stacks/` spell the
 * versions of their backend out (a test keeps them equal), so a user's stack file shows every pin in one
 * place and an upgrade is a one-line change there.
 */
const STACK_IMAGES = {
  // The newest release of each that was read and checked against the rest of the set. Where each pin
  // comes from, and which newer releases wait to be checked, is in the README ("Version pins"). The
  // backends' own are in their folders (src/backends/<name>/index.ts).
  collector: { repository: 'otel/opentelemetry-collector-contrib', version: '0.159.0' },
  loki: { repository: 'grafana/loki', version: '3.7.6' },
  prometheus: { repository: 'prom/prometheus', version: 'v3.14.0' },
  grafana: { repository: 'grafana/grafana', version: '13.2.0' },
} as const;

export const IMAGES = { ...STACK_IMAGES, ...BACKEND_IMAGES };

export type ImageKey = keyof typeof IMAGES;

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

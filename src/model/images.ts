import { BACKEND_IMAGES } from '../backends/index.js';
import { COMPONENT_IMAGES } from '../components/index.js';

/**
 * Every image stackgen can run, and the version it pins by default: the stack's own parts' (in their folders,
 * src/components/<name>/facts.ts) and the backends' (src/backends/<name>/facts.ts). The presets in `stacks/` spell the
 * versions of their backend out (a test keeps them equal), so a user's stack file shows every pin in one
 * place and an upgrade is a one-line change there.
 */
export const IMAGES = { ...COMPONENT_IMAGES, ...BACKEND_IMAGES };

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

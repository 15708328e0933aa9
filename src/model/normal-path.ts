import path from 'node:path';

/**
 * One spelling per path: `deploy/./obs`, `deploy//obs/` and `deploy/obs/.` are `deploy/obs`, so that
 * messages, the manifest and the .gitignore line (which git matches literally) agree.
 */
export function normalPath(file: string): string {
  const normal = path.posix.normalize(file.replace(/\\/g, '/'));
  return normal === '/' ? normal : normal.replace(/\/+$/, '');
}

/**
 * Certificates renewed while the stack runs (`stackgen certs --renew`, or the user's own files replaced):
 * compose would recreate nothing (a certificate is not part of a service's definition), and a container's
 * single-file bind mount keeps the old file. `up` therefore removes the stack's containers that mount a
 * certificate newer than they are, so compose makes them anew, and names the app containers (mounting the
 * stack's CA) that still hold the old one.
 */
import { containerIds, inspectContainers } from '../docker/engine.js';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { ComposeProject } from '../docker/compose.js';
import { tlsInputs } from '../model/tls.js';

interface Inspected {
  Name: string;
  /** A bind mount is made when the container starts: a file replaced since is not seen inside. */
  State: { StartedAt: string };
  Config: { Labels: Record<string, string> | null };
  Mounts: { Type: string; Source: string }[];
}

/** Newest modification time among the stack's TLS files, by absolute path. */
async function certificateTimes(project: ComposeProject): Promise<Map<string, number>> {
  const outDir = path.resolve(project.root, project.stack.output);
  const times = new Map<string, number>();
  for (const file of tlsInputs(project.stack)) {
    const info = await stat(path.resolve(outDir, file)).catch(() => undefined);
    if (info) times.set(path.resolve(outDir, file), info.mtimeMs);
  }
  return times;
}

const inspect = (ids: string[]) => inspectContainers<Inspected>(ids);

/**
 * The stack's services whose container mounts a certificate newer than itself: removed, so the next
 * `compose up` creates them anew with the current files. Returns their names.
 */
export async function removeStaleCertificateHolders(project: ComposeProject): Promise<string[]> {
  const times = await certificateTimes(project);
  if (times.size === 0) return [];
  const compose = parse(await readFile(project.file, 'utf8')) as {
    services: Record<string, { volumes?: unknown[] }>;
  };
  const outDir = path.dirname(project.file);
  const mounting = new Map<string, number>();
  for (const [service, spec] of Object.entries(compose.services)) {
    for (const volume of spec.volumes ?? []) {
      if (typeof volume !== 'string') continue;
      const time = times.get(path.resolve(outDir, volume.split(':')[0]!));
      if (time !== undefined) mounting.set(service, Math.max(mounting.get(service) ?? 0, time));
    }
  }
  const containers = (await project.ps()).filter((c) => mounting.has(c.service));
  const inspected = await inspect(containers.map((c) => c.container));
  const stale = containers
    .filter((c) => {
      const started = inspected.find((i) => i.Name.replace(/^\//, '') === c.container)?.State.StartedAt;
      return started !== undefined && Date.parse(started) < mounting.get(c.service)!;
    })
    .map((c) => c.service);
  if (stale.length) await project.run(['rm', '--stop', '--force', ...stale]);
  return stale;
}

/** Containers of other projects mounting the stack's CA file as it was before it was renewed. */
export async function appsHoldingOldCa(project: ComposeProject): Promise<string[]> {
  const paths = project.stack.tls.paths;
  if (!paths) return [];
  const ca = path.resolve(project.root, project.stack.output, paths.ca);
  const changed = (await stat(ca).catch(() => undefined))?.mtimeMs;
  if (changed === undefined) return [];
  const ids = await containerIds([]);
  return (await inspect(ids))
    .filter(
      (c) =>
        c.Config.Labels?.['com.docker.compose.project'] !== project.stack.name &&
        c.Mounts.some((m) => m.Type === 'bind' && m.Source === ca) &&
        Date.parse(c.State.StartedAt) < changed,
    )
    .map((c) => c.Name.replace(/^\//, ''))
    .sort();
}

/**
 * What `docker compose up` would do to each service of a stack, and why, before anything is written or
 * started. Compose recreates a container when the hash of its service's definition differs from the one
 * the container was made with (its label com.docker.compose.config-hash); `docker compose config --hash`
 * gives that hash for a compose file not written yet, read from stdin in the output folder's place.
 */
import type { ComposeProject } from '../docker/compose.js';
import { absentImages, containerIds, inspectContainers, projectVolumeSizes } from '../docker/engine.js';
import { OperationError } from '../errors.js';
import { firstLine } from '../docker/cli.js';
import { compareText } from '../compare.js';

/** `recreate` for a compose service; `update` and `rerun` (a job) for a service on a Swarm. */
export type ServiceAction = 'create' | 'recreate' | 'update' | 'rerun' | 'unchanged' | 'remove';

export interface ServiceChange {
  service: string;
  action: ServiceAction;
  /** Why a service is recreated, or that a removed one is an orphan. */
  reasons: string[];
}

export interface EnginePlan {
  services: ServiceChange[];
  /** Images the engine does not have, which `up` pulls first. */
  pulls: { service: string; image: string }[];
  /** The project's volumes, which `down --volumes` would delete, with the size the engine reports. */
  volumes: { name: string; size: string }[];
}

/** A service as `docker compose config --format json` gives it: the parts a reason names. */
interface PlannedService {
  image?: string;
  environment?: Record<string, string | null>;
  ports?: { target: number; published?: string; host_ip?: string }[];
  labels?: Record<string, string>;
}

interface Container {
  Name: string;
  Config: { Image: string; Env: string[] | null; Labels: Record<string, string> | null };
  HostConfig: { PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

const CONFIG_LABEL = 'dev.stackgen.config-sha256';

/**
 * The plan for the engine. `composeYaml` is the compose file as it would be written; `env` the values of
 * secrets `.env` does not hold yet (the output folder's .env supplies the others).
 */
export async function planServices(
  project: ComposeProject,
  composeYaml: string,
  env: Record<string, string>,
): Promise<EnginePlan> {
  // Asked once: for the images here, and for the reasons of what is recreated.
  const definitions = plannedServices(project, composeYaml, env);
  const [services, planned, volumes] = await Promise.all([
    serviceChanges(project, composeYaml, env, { definitions }),
    definitions,
    projectVolumeSizes(project.stack.name),
  ]);
  const images = new Map(
    Object.entries(planned)
      .filter(([, s]) => s.image)
      .map(([service, s]) => [service, s.image!]),
  );
  const absent = await absentImages([...images.values()]);
  return {
    services,
    pulls: [...images]
      .filter(([, image]) => absent.has(image))
      .map(([service, image]) => ({ service, image })),
    volumes,
  };
}

/**
 * What `up` would do to each service: the hashes compose gives the planned services against the containers
 * of the project. The planned definitions are read only when a service is recreated, to say why.
 */
export async function serviceChanges(
  project: ComposeProject,
  composeYaml: string,
  env: Record<string, string>,
  options: {
    /** Nothing when the project has no container yet (everything is created: `up` says so as it goes). */
    onlyWhenExisting?: boolean;
    /** The planned definitions when the caller asks for them anyway; else asked only to explain a recreate. */
    definitions?: Promise<Record<string, PlannedService>>;
  } = {},
): Promise<ServiceChange[]> {
  const { stack } = project;
  const containers = containerIds(
    [`com.docker.compose.project=${stack.name}`, 'com.docker.compose.oneoff=False'],
    { all: true },
  ).then((ids) => inspectContainers<Container>(ids));
  // Asked beside the containers, not after them: up waits for this list before it starts compose. A
  // failure of either is reported where it is awaited below (not at all when nothing needs the hashes),
  // not as an unhandled rejection while the other is awaited.
  const hashed = composeConfig(project, composeYaml, env, ['--hash', '*']);
  for (const question of [containers, hashed]) question.catch(() => {});
  if (options.onlyWhenExisting && (await containers).length === 0) return [];
  const hashes = new Map(
    (await hashed)
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
  const byService = new Map<string, Container>();
  for (const c of await containers) {
    const service = c.Config.Labels?.['com.docker.compose.service'];
    if (service && !byService.has(service)) byService.set(service, c);
  }
  const recreated = [...hashes].filter(([service, hash]) => {
    const label = byService.get(service)?.Config.Labels?.['com.docker.compose.config-hash'];
    return label !== undefined && label !== hash;
  });
  const planned = recreated.length
    ? await (options.definitions ?? plannedServices(project, composeYaml, env))
    : {};

  const services: ServiceChange[] = [];
  for (const [service, hash] of [...hashes].sort(([a], [b]) => compareText(a, b))) {
    const container = byService.get(service);
    if (!container) services.push({ service, action: 'create', reasons: [] });
    else if (container.Config.Labels?.['com.docker.compose.config-hash'] === hash)
      services.push({ service, action: 'unchanged', reasons: [] });
    else
      services.push({ service, action: 'recreate', reasons: reasonsFor(planned[service] ?? {}, container) });
  }
  for (const service of [...byService.keys()].filter((s) => !hashes.has(s)).sort()) {
    services.push({ service, action: 'remove', reasons: ['no longer in the stack (an orphan)'] });
  }
  return services;
}

async function plannedServices(
  project: ComposeProject,
  composeYaml: string,
  env: Record<string, string>,
): Promise<Record<string, PlannedService>> {
  const json = await composeConfig(project, composeYaml, env, ['--format', 'json']);
  return (JSON.parse(json) as { services: Record<string, PlannedService> }).services;
}

async function composeConfig(
  project: ComposeProject,
  composeYaml: string,
  env: Record<string, string>,
  args: string[],
): Promise<string> {
  const result = await project.runOn(composeYaml, env, ['config', ...args]);
  if (result.exitCode !== 0)
    throw new OperationError(
      `docker compose config failed on the compose file stackgen would write: ${firstLine(String(result.stderr ?? ''))}`,
    );
  return String(result.stdout);
}

/** Why compose would recreate this container: what differs between it and the planned service. */
function reasonsFor(planned: PlannedService, container: Container): string[] {
  const reasons: string[] = [];
  if (planned.image && planned.image !== container.Config.Image)
    reasons.push(`image ${container.Config.Image} → ${planned.image}`);
  const mounted = container.Config.Labels?.[CONFIG_LABEL];
  if (mounted !== planned.labels?.[CONFIG_LABEL]) reasons.push('a file it mounts changed');
  const env = new Map(
    (container.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
  const changedEnv = Object.entries(planned.environment ?? {})
    .filter(([key, value]) => (value ?? '') !== env.get(key))
    .map(([key]) => key)
    .sort();
  if (changedEnv.length) reasons.push(`environment ${changedEnv.join(', ')}`);
  const ports = (list: string[]) => [...list].sort().join(', ');
  const plannedPorts = ports(
    (planned.ports ?? [])
      .filter((p) => p.published)
      .map((p) => `${p.host_ip ?? ''}:${p.published}->${p.target}`),
  );
  const bound = ports(
    Object.entries(container.HostConfig.PortBindings ?? {}).flatMap(([target, bindings]) =>
      (bindings ?? []).map((b) => `${b.HostIp}:${b.HostPort}->${target.split('/')[0]}`),
    ),
  );
  if (plannedPorts !== bound) reasons.push(`published ports ${bound || 'none'} → ${plannedPorts || 'none'}`);
  if (reasons.length === 0)
    reasons.push('its definition changed (command, volumes, networks or another key)');
  return reasons;
}

/** What `up` would do to the services, a line each (what `plan` prints, and `up` before it starts). */
export function serviceLines(services: ServiceChange[]): string[] {
  const changed = services.filter((s) => s.action !== 'unchanged');
  const unchanged = services.filter((s) => s.action === 'unchanged').map((s) => s.service);
  return [
    ...changed.map(
      (s) => `  ${s.action.padEnd(9)} ${s.service}${s.reasons.length ? `: ${s.reasons.join('; ')}` : ''}`,
    ),
    ...(unchanged.length ? [`  leave     ${unchanged.join(', ')} (unchanged)`] : []),
  ];
}

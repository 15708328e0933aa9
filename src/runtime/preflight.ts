/**
 * What `up` checks before it changes anything. Every check only reads (the engine, the host's ports, the
 * files), so they run at once; when several fail, the first in this file's order is reported, whatever
 * finished first. Then `up` acts on what they found: pulls the missing images, recreates what holds a
 * renewed certificate.
 */
import { absentImages, absentNetworks, refusedOpenFiles } from '../docker/engine.js';
import { firstLine } from '../docker/cli.js';
import type { ComposeProject } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import type { Io } from '../io.js';
import { totalMemoryMiB } from '../model/memory.js';
import { projectServices, type Stack } from '../model/normalize.js';
import { checkEnvAgainstData } from './env-identity.js';
import { describeLeftover, leftoverProjects } from './leftover-projects.js';
import { assertPortsFree } from './ports.js';
import { openFilesOf, ulimitAdvice } from './start.js';

export interface MissingImage {
  service: string;
  image: string;
}

export interface Preflight {
  /** `up --new-secrets` with data made with another .env: the stored passwords take the new secrets. */
  adopting: boolean;
  /** Services whose image the engine does not have. */
  missingImages: MissingImage[];
}

export async function preflight(
  project: ComposeProject,
  options: { io: Io; newSecrets: boolean; memTotal: number },
): Promise<Preflight> {
  const { stack } = project;
  const settled = await Promise.allSettled([
    assertIncludesAccepted(project),
    checkEnvAgainstData(project, options.newSecrets),
    assertExternalNetworks(stack),
    assertPortsFree(project),
    missingImages(project),
    leftoverProjects(project.root),
  ] as const);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const [, env, , , missing, leftovers] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  for (const leftover of leftovers as Awaited<ReturnType<typeof leftoverProjects>>)
    options.io.err(describeLeftover(leftover));
  warnAboutMemory(stack, options.memTotal, options.io);
  return { adopting: env === 'new-secrets', missingImages: missing as MissingImage[] };
}

/** The user's included compose files, judged by compose itself together with the stack's. */
async function assertIncludesAccepted(project: ComposeProject): Promise<void> {
  const includes = project.stack.extensions.includes.map((f) => f.path);
  if (includes.length === 0) return;
  const config = await project.run(['config', '--quiet']);
  if (config.exitCode !== 0) {
    throw new OperationError(
      `docker compose refuses the project with your compose files (include: ${includes.join(', ')}): ${firstLine(String(config.stderr ?? ''))}`,
    );
  }
}

async function assertExternalNetworks(stack: Stack): Promise<void> {
  const external = stack.networks.applications.filter((n) => n.external);
  const absent = await absentNetworks(external.map((n) => n.name));
  const network = external.find((n) => absent.has(n.name));
  if (!network) return;
  // The app project that creates it, when one of the stack's apps declares it.
  const creator = stack.apps.find(
    (a) => a.composeFile && a.project && a.ownNetworkNames.includes(network.name),
  );
  throw new OperationError(
    creator
      ? `the network ${network.name} does not exist yet: the compose project ${creator.project} (${creator.composeFile}) creates it; start it first ("docker compose -f ${creator.composeFile} up -d"), then "stackgen up" again`
      : `the network ${network.name} is external (created by another compose project) and does not exist yet: start the project that creates it first, or set external: false in the stack file to have the stack create it`,
  );
}

function warnAboutMemory(stack: Stack, memTotal: number, io: Io): void {
  const total = memTotal / 1024 / 1024;
  const needed = totalMemoryMiB(stack);
  if (total > 0 && total < needed) {
    io.err(
      `warning: the Docker engine has ${Math.round(total)} MiB of memory and the stack's limits add up to ${needed} MiB; services may be killed when they reach it`,
    );
  }
}

/** The services whose image the engine lacks, asked in one inspect (it names each image it does not have). */
async function missingImages(project: ComposeProject): Promise<MissingImage[]> {
  // Images of included services that are built have no image to pull.
  const images = new Map(
    projectServices(project.stack)
      .filter((s) => !s.image.startsWith('('))
      .map((s) => [s.name, s.image]),
  );
  const absent = await absentImages([...images.values()]);
  return [...images].filter(([, image]) => absent.has(image)).map(([service, image]) => ({ service, image }));
}

/**
 * Pulls the images that are not on the engine yet, before the wait starts: a first download can take
 * longer than any wait timeout, and a registry that cannot be reached deserves its own message.
 */
export async function pullImages(project: ComposeProject, missing: MissingImage[], io: Io): Promise<void> {
  if (missing.length === 0) return;
  const { stack } = project;
  const services = missing.map((m) => m.service);
  io.err(`Pulling ${[...new Set(missing.map((m) => m.image))].join(', ')} …`);
  const pull = await project.run(['pull', ...services], { all: true }, ['--progress', 'plain']);
  if (pull.exitCode === 0) return;
  const why = String(pull.all ?? '')
    .split('\n')
    .filter((l) => /error|denied|not found|timeout|no such host|connection/i.test(l))
    .slice(-3)
    .map((l) => `  ${l.trim()}`);
  const registry = stack.imageRegistry;
  throw new OperationError(
    [
      `could not pull the images of ${services.join(', ')}:`,
      ...why,
      registry
        ? `Is the mirror ${registry} (images.registry) reachable from the Docker engine, and does it hold them? Docker Hub's official images are under library/ there (${registry}/library/busybox:…).`
        : 'Behind a registry mirror or in an air gap, set images.registry or images.overrides in the stack file.',
    ].join('\n'),
  );
}

/**
 * The engine must grant the open-files limit a backend's service asks for (SigNoz's ClickHouse), or it
 * refuses the container at once (while the services after it wait). Asked with a throwaway container of
 * that service's image, once it is there.
 */
export async function assertEngineGrantsOpenFiles(stack: Stack): Promise<void> {
  const wants = openFilesOf(stack);
  if (!wants) return;
  const refused = await refusedOpenFiles(stack.images[wants.service]!, wants.limit);
  if (refused !== undefined && /rlimit|ulimit|operation not permitted/i.test(refused)) {
    throw new OperationError(`${ulimitAdvice(stack)}\n  docker said: ${firstLine(refused)}`);
  }
}

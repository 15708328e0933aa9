/**
 * `stackgen up [STACK] [--wait-timeout <s>]`: the checks (runtime/preflight.ts), `docker compose up -d --wait`
 * (runtime/start.ts), then a summary of where everything is.
 */
import { backendOf } from '../backends/index.js';
import { preflightDocker } from '../docker/cli.js';
import { ComposeProject, type ContainerState } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import type { CommandContext, Io } from '../io.js';
import type { LoadedStack } from '../model/load.js';
import type { Stack } from '../model/normalize.js';
import { applyChanges } from '../output/atomic.js';
import { MANIFEST_PATH } from '../output/drift.js';
import { planGeneration } from '../output/generate.js';
import { envFilePath } from '../output/secrets.js';
import { stackEndpoints } from '../render/components.js';
import { hostForUrls } from '../render/endpoints.js';
import { folderLock, stackLock, withLock } from '../lock.js';
import { adoptNewSecretsAfter, adoptNewSecretsBefore } from '../runtime/env-identity.js';
import { assertEngineGrantsOpenFiles, preflight, pullImages } from '../runtime/preflight.js';
import { appsHoldingOldCa, removeStaleCertificateHolders } from '../runtime/renewed-certificates.js';
import { selectStack } from '../runtime/select-stack.js';
import { serviceChanges, serviceLines } from '../runtime/service-plan.js';
import { startAndWait } from '../runtime/start.js';
import {
  assertImagesOnNodes,
  assertNodeLabels,
  assertSwarmManager,
  deployStack,
  beforeDeploy,
  pruneUnused,
  publishedHosts,
  waitConverged,
} from '../runtime/swarm.js';
import { readFile } from 'node:fs/promises';

export interface UpOptions extends CommandContext {
  stack: string | undefined;
  /** Seconds to wait for every service to be running and healthy. */
  waitTimeout: number;
  /** Leave a stack that failed to start as it is, for inspection, instead of removing its containers. */
  keepOnFailure: boolean;
  /** Keep the data volumes with a .env made anew: the stored passwords take the new secrets. */
  newSecrets?: boolean;
}

export interface UpResult {
  stack: string;
  seconds: number;
  services: ContainerState[];
}

/** target: swarm: the checks, docker stack deploy of swarm.yaml, and the wait until it has converged. */
async function upOnSwarm(options: UpOptions, loaded: LoadedStack): Promise<UpResult> {
  const { cwd, io } = options;
  const { stack } = loaded;
  io.err(`Checking the ${stack.name} stack (${stack.sourceFile}) before deploying it to the swarm …`);
  await assertSwarmManager(stack);
  await withLock(folderLock(cwd), 'up', () => assertGeneratedAndSecrets({ stack, root: cwd }, loaded, io));
  await assertNodeLabels(stack);
  io.err('  Trying each image on the nodes its services may run on (they pull what they lack) …');
  await assertImagesOnNodes(cwd, stack, options.waitTimeout);
  io.err(`Deploying ${stack.name} from ${stack.output}/swarm.yaml:`);
  const started = Date.now();
  const before = await beforeDeploy(stack);
  await deployStack(cwd, stack, io);
  const services = await waitConverged(stack, io, options.waitTimeout, before);
  await pruneUnused(stack);
  const seconds = Math.round((Date.now() - started) / 1000);
  io.out(`${stack.name} is up on the swarm (${services.length} services, ${seconds}s):`);
  const width = Math.max(...services.map((s) => s.service.length));
  for (const s of services) {
    const nodes = [...new Set(s.tasks.map((t) => t.node))].join(', ');
    io.out(`  ${s.service.padEnd(width)}  ${s.replicas.padEnd(22)} ${nodes}`);
  }
  await afterUp(cwd, stack, io, async (service) =>
    stack.swarm.publish === 'none' ? false : (await publishedHosts(stack))(service),
  );
  return { stack: stack.name, seconds, services: [] };
}

export async function up(options: UpOptions): Promise<UpResult> {
  const { cwd, io } = options;
  // Asked while the stack file loads (Compose takes a moment to say its version); awaited only after it.
  const dockerAnswer = preflightDocker();
  dockerAnswer.catch(() => {});
  const loaded = await selectStack(cwd, io, options.stack, 'up', options.invokedIn);
  const { stack } = loaded;
  if (stack.target === 'swarm') return upOnSwarm(options, loaded);
  // At once: the checks before compose starts anything take a moment.
  io.err(`Checking the ${stack.name} stack (${stack.sourceFile}) before starting it …`);
  const docker = await dockerAnswer;
  const project = new ComposeProject(docker, stack, cwd);
  return withLock(stackLock(docker.engineId, stack.name), 'up', async () => {
    await withLock(folderLock(cwd), 'up', () => assertGeneratedAndSecrets(project, loaded, io));
    const newSecrets = options.newSecrets ?? false;
    // What compose is about to do is worked out beside the checks; a failure to tell only loses the list.
    const [checked, planned] = await Promise.all([
      preflight(project, { io, newSecrets, memTotal: docker.memTotal }),
      readFile(project.file, 'utf8')
        .then((content) => serviceChanges(project, content, {}, { onlyWhenExisting: true }))
        .catch(() => undefined),
    ]);
    if (checked.adopting) await adoptNewSecretsBefore(project);
    const renewed = await removeStaleCertificateHolders(project);
    if (renewed.length)
      io.err(`Recreating ${renewed.join(', ')}: a certificate they mount changed since they started.`);
    // Their containers are gone now: compose creates them anew, whatever their definition says.
    for (const change of planned ?? []) {
      if (renewed.includes(change.service) && change.action === 'unchanged')
        Object.assign(change, { action: 'recreate', reasons: ['a certificate it mounts was renewed'] });
    }
    await pullImages(project, checked.missingImages, io);
    await assertEngineGrantsOpenFiles(stack);
    if (planned?.some((s) => s.action !== 'unchanged')) {
      io.err(`What starting ${stack.name} changes ("stackgen plan" tells before):`);
      for (const line of serviceLines(planned)) io.err(line);
    }
    io.err(`Starting ${stack.name} from ${stack.output}/compose.yaml (Compose ${docker.composeVersion}):`);
    const started = Date.now();
    const services = await startAndWait(project, options, started);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (checked.adopting) {
      await adoptNewSecretsAfter(project);
      io.err(`${stack.name} keeps its data and now uses the secrets of ${envFilePath(stack)}.`);
    }
    printSummary(io, stack, seconds);
    await afterUp(cwd, stack, io, async () => hostForUrls(stack.exposure.bindAddress));
    const oldCa = await appsHoldingOldCa(project);
    if (oldCa.length)
      io.err(
        `These app containers started before the stack's CA changed and still trust the old one: restart them ("docker restart ${oldCa.join(' ')}").`,
      );
    return { stack: stack.name, seconds, services };
  });
}

/**
 * The files compose reads must be what the stack file says, and its secrets must exist. After an edit of
 * the stack file, a terminal is offered to generate at once; hand edits are never overwritten here.
 */
async function assertGeneratedAndSecrets(
  project: { stack: Stack; root: string },
  loaded: LoadedStack,
  io: Io,
): Promise<void> {
  const { stack, root } = project;
  const generation = await planGeneration(root, [loaded], { force: false });
  const drift = generation.outcomes[0]!.states.filter((s) => s.status !== 'current');
  // The manifest changes with every other file: naming it says nothing.
  const list = (states: typeof drift) =>
    `${states
      .filter((s) => s.path !== MANIFEST_PATH || states.length === 1)
      .slice(0, 5)
      .map((s) => `${s.path} ${s.status}`)
      .join(', ')}${states.length > 5 ? ', …' : ''}`;
  if (generation.conflicts.length) {
    const edited = generation.conflicts.map((c) => c.state);
    throw new OperationError(
      `${stack.output} has files changed by hand (${list(edited)}); up never overwrites them. Move the change into ${stack.sourceFile} (its "patches" can say anything), or replace them with "npx stackgen generate --force", then "stackgen up" again`,
    );
  }
  if (drift.length) {
    const question = `${stack.sourceFile} changed since ${stack.output} was generated (${list(drift)}). Generate now? [Y/n] `;
    const answer = io.ask ? (await io.ask(question)).trim() : undefined;
    if (answer === undefined || !/^(y|yes|)$/i.test(answer)) {
      throw new OperationError(
        `${stack.output} is not up to date with ${stack.sourceFile} (${list(drift)}): run "npx stackgen generate", then "stackgen up" again`,
      );
    }
  }
  if (generation.changes.length) {
    await applyChanges(root, generation.changes);
    if (drift.length) io.err(`Generated ${stack.output} from ${stack.sourceFile}.`);
    const created = generation.outcomes[0]!.secretsCreated;
    if (created.length) io.err(`${envFilePath(stack)}: created ${created.join(', ')}`);
  }
}

function printSummary(io: Io, stack: Stack, seconds: number): void {
  io.out(`${stack.name} is up (${Object.keys(stack.images).length} services, ${seconds}s):`);
  const endpoints = stackEndpoints(stack);
  const width = Math.max(...endpoints.map((e) => e.name.length));
  for (const endpoint of endpoints) {
    io.out(
      `  ${endpoint.name.padEnd(width)}  ${(endpoint.host ?? 'not published').padEnd(26)}  in the network: ${endpoint.network}`,
    );
  }
  if (stack.components.includes('grafana'))
    io.out(`  Grafana's password is GRAFANA_ADMIN_PASSWORD in ${stack.output}/.env`);
  io.out(
    `  Apps join the networks ${[stack.networks.observability, ...stack.networks.applications.map((n) => n.name)].join(', ')} (see ${stack.output}/README.md).`,
  );
}

/** What the backend does once the stack runs (SigNoz keeps its organisation's id in .env). */
async function afterUp(
  root: string,
  stack: Stack,
  io: Io,
  hostOf: (service: string) => Promise<string | false>,
): Promise<void> {
  const runtime = await backendOf(stack.backend).runtime?.();
  await runtime?.afterUp?.({ root, stack, io, hostOf });
}

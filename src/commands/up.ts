/**
 * `stackgen up [STACK] [--wait-timeout <s>]`: preflight, `docker compose up -d --wait`, then a summary of
 * where everything is; on failure, which service failed, its state and health and its last log lines.
 */
import { execa } from 'execa';
import { preflightDocker, docker as dockerCommand, firstLine } from '../docker/cli.js';
import { ComposeProject, type ContainerState } from '../docker/compose.js';
import { OperationError } from '../errors.js';
import type { CommandContext, Io } from '../io.js';
import type { LoadedStack } from '../model/load.js';
import { totalMemoryMiB } from '../model/memory.js';
import { projectServices, SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { applyChanges } from '../output/atomic.js';
import { MANIFEST_PATH } from '../output/drift.js';
import { planGeneration } from '../output/generate.js';
import { envFilePath } from '../output/secrets.js';
import { stackEndpoints } from '../render/endpoints.js';
import { waitForCollector } from '../runtime/health.js';
import { folderLock, stackLock, withLock } from '../lock.js';
import { assertPortsFree } from '../runtime/ports.js';
import { describeState, isUp, Progress } from '../runtime/progress.js';
import { selectStack } from '../runtime/select-stack.js';
import { pinSignozOrganisation } from '../runtime/signoz-org.js';
import { describeLeftover, leftoverProjects } from '../runtime/leftover-projects.js';
import { appsHoldingOldCa, removeStaleCertificateHolders } from '../runtime/renewed-certificates.js';
import { adoptNewSecretsAfter, adoptNewSecretsBefore, checkEnvAgainstData } from '../runtime/env-identity.js';

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

export async function up(options: UpOptions): Promise<UpResult> {
  const { cwd, io } = options;
  const loaded = await selectStack(cwd, io, options.stack, 'up', options.invokedIn);
  const { stack } = loaded;
  // At once: the checks before compose starts anything take a moment.
  io.err(`Checking the ${stack.name} stack (${stack.sourceFile}) before starting it …`);
  const docker = await preflightDocker();
  const project = new ComposeProject(docker, stack, cwd);
  return withLock(stackLock(docker.engineId, stack.name), 'up', async () => {
    await withLock(folderLock(cwd), 'up', () => assertGeneratedAndSecrets(project, loaded, io));
    await assertIncludesAccepted(project);
    for (const leftover of await leftoverProjects(cwd)) io.err(describeLeftover(leftover));
    const adopting = (await checkEnvAgainstData(project, options.newSecrets ?? false)) === 'new-secrets';
    if (adopting) await adoptNewSecretsBefore(project);
    const renewed = await removeStaleCertificateHolders(project);
    if (renewed.length)
      io.err(`Recreating ${renewed.join(', ')}: a certificate they mount changed since they started.`);
    await assertExternalNetworks(stack);
    await assertPortsFree(project);
    warnAboutMemory(stack, docker.memTotal, io);
    await pullMissingImages(project, io);
    await assertEngineGrantsOpenFiles(stack);
    io.err(`Starting ${stack.name} from ${stack.output}/compose.yaml (Compose ${docker.composeVersion}):`);
    const started = Date.now();
    const services = await startAndWait(project, options, started);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (adopting) {
      await adoptNewSecretsAfter(project);
      io.err(`${stack.name} keeps its data and now uses the secrets of ${envFilePath(stack)}.`);
    }
    printSummary(io, stack, seconds);
    await pinSignozOrganisation(cwd, stack, io);
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
  project: ComposeProject,
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

/** The user's included compose files, judged by compose itself together with the stack's, before anything runs. */
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
  for (const network of stack.networks.applications.filter((n) => n.external)) {
    const inspect = await dockerCommand(['network', 'inspect', network.name]).catch(() => undefined);
    if (!inspect) {
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
  }
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

/**
 * Pulls the images that are not on the engine yet, before the wait starts: a first download can take
 * longer than any wait timeout, and a registry that cannot be reached deserves its own message.
 */
async function pullMissingImages(project: ComposeProject, io: Io): Promise<void> {
  // Images of included services that are built have no image to pull.
  const images = new Map(
    projectServices(project.stack)
      .filter((s) => !s.image.startsWith('('))
      .map((s) => [s.name, s.image]),
  );
  // One inspect for all: it names each image it does not have.
  const inspect = await execa(
    'docker',
    ['image', 'inspect', '--format', '{{.Id}}', ...new Set(images.values())],
    {
      reject: false,
    },
  );
  const absent = new Set(
    [...String(inspect.stderr ?? '').matchAll(/No such image: (\S+)/g)].map((m) => m[1]!),
  );
  const missing = [...images].filter(([, image]) => absent.has(image)).map(([service]) => service);
  if (missing.length === 0) return;
  io.err(`Pulling ${[...new Set(missing.map((s) => images.get(s)))].join(', ')} …`);
  const pull = await project.run(['pull', ...missing], { all: true }, ['--progress', 'plain']);
  if (pull.exitCode !== 0) {
    const why = String(pull.all ?? '')
      .split('\n')
      .filter((l) => /error|denied|not found|timeout|no such host|connection/i.test(l))
      .slice(-3)
      .map((l) => `  ${l.trim()}`);
    const registry = project.stack.imageRegistry;
    throw new OperationError(
      [
        `could not pull the images of ${missing.join(', ')}:`,
        ...why,
        registry
          ? `Is the mirror ${registry} (images.registry) reachable from the Docker engine, and does it hold them? Docker Hub's official images are under library/ there (${registry}/library/busybox:…).`
          : 'Behind a registry mirror or in an air gap, set images.registry or images.overrides in the stack file.',
      ].join('\n'),
    );
  }
}

/** What to do when the engine refuses ClickHouse's open-files limit. */
function ulimitAdvice(stack: Stack): string {
  return `The Docker engine refuses ClickHouse's open-files limit of ${stack.signoz.clickhouse.openFilesLimit} (signoz.clickhouse.openFilesLimit): lower it to what the engine allows, or raise the engine's own limit (LimitNOFILE in docker.service; Debian's allows 1048576).`;
}

/**
 * SigNoz: the engine must grant ClickHouse its open-files limit, or it refuses the container at once (while
 * the services after it wait). Asked with a throwaway container of the ClickHouse image, which is there.
 */
async function assertEngineGrantsOpenFiles(stack: Stack): Promise<void> {
  if (stack.backend !== 'signoz') return;
  const limit = stack.signoz.clickhouse.openFilesLimit;
  const probe = await execa(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--ulimit',
      `nofile=${limit}:${limit}`,
      '--entrypoint',
      'sh',
      stack.images[SERVICE_NAMES.clickhouse]!,
      '-c',
      'true',
    ],
    { reject: false, timeout: 60_000 },
  );
  if (probe.exitCode !== 0 && /rlimit|ulimit|operation not permitted/i.test(String(probe.stderr))) {
    throw new OperationError(`${ulimitAdvice(stack)}\n  docker said: ${firstLine(String(probe.stderr))}`);
  }
}

async function startAndWait(
  project: ComposeProject,
  options: UpOptions,
  started: number,
): Promise<ContainerState[]> {
  const { io } = options;
  const progress = new Progress(io, projectServices(project.stack));
  const child = project.run(
    [
      'up',
      '--detach',
      '--wait',
      '--wait-timeout',
      String(options.waitTimeout),
      '--remove-orphans',
      '--pull',
      'never',
    ],
    { all: true },
    ['--progress', 'plain'],
  );
  let stopped: 'interrupted' | 'timeout' | undefined;
  const stop = (why: typeof stopped) => () => {
    stopped ??= why;
    child.kill('SIGTERM');
  };
  const onInterrupt = stop('interrupted');
  process.once('SIGINT', onInterrupt);
  // Compose's --wait-timeout bounds only its last phase, not waiting on depends_on healthchecks.
  const deadline = setTimeout(stop('timeout'), options.waitTimeout * 1000);
  // An empty answer (compose between two states, or failing to answer) would blank every line: skip it.
  // An answer arriving after compose returned is older than the final one below: drop it.
  let finished = false;
  const timer = setInterval(
    () => void project.ps().then((s) => !stopped && !finished && s.length > 0 && progress.update(s)),
    1000,
  );
  let result: Awaited<typeof child>;
  try {
    result = await child;
  } finally {
    finished = true;
    clearInterval(timer);
    clearTimeout(deadline);
    process.removeListener('SIGINT', onInterrupt);
  }
  const states = await project.ps();
  progress.update(states);
  if (stopped === 'interrupted') {
    throw new OperationError(
      `stopped waiting (interrupted). Containers already started keep running: "stackgen status ${project.stack.name}" shows them, "stackgen down ${project.stack.name}" removes them.`,
    );
  }
  if (result.exitCode === 0 && !stopped) {
    const deadline = Math.max(started + options.waitTimeout * 1000, Date.now() + 10_000);
    const probe = await waitForCollector(project, deadline);
    if (!probe || probe.healthy) {
      // Compose cannot see the collector's health; the probe can.
      const probed = states.map((s) =>
        s.service === SERVICE_NAMES.collector && probe ? { ...s, health: 'healthy' as const } : s,
      );
      progress.update(probed);
      return probed;
    }
    return fail(project, options, started, states, [
      {
        service: SERVICE_NAMES.collector,
        problem: `running, but ${probe.reason ?? `its health endpoint ${probe.via} does not answer`}`,
      },
    ]);
  }
  return fail(project, options, started, states, [], String(result.all ?? ''));
}

/**
 * Explains what did not come up (each failing service with its state and last log lines), then, unless
 * kept for inspection, removes the containers. `found` adds problems Docker cannot see (the collector's
 * health, asked by stackgen).
 */
async function fail(
  project: ComposeProject,
  options: UpOptions,
  started: number,
  states: ContainerState[],
  found: { service: string; problem: string }[],
  composeOutput = '',
): Promise<never> {
  const { stack } = project;
  const timedOut = Date.now() - started >= options.waitTimeout * 1000 - 1000;
  const lines = [
    timedOut
      ? `${stack.name} did not come up within ${options.waitTimeout}s.`
      : `${stack.name} failed to start.`,
  ];
  const problems = [
    ...projectServices(stack)
      .map((s) => ({ ...s, state: states.find((c) => c.service === s.name) }))
      .filter((s) => !isUp(s, s.state))
      .map((s) => ({
        service: s.name,
        problem: describeState(s.state, s.oneShot),
        started: s.state && s.state.state !== 'created',
      })),
    ...found.map((f) => ({ ...f, started: true })),
  ];
  for (const { service, problem, started } of problems) {
    lines.push(`  ${service}: ${problem}`);
    const logs = started ? await lastLogLines(project, service) : [];
    if (logs.length) lines.push(`    last log lines:`, ...logs.map((l) => `      ${l}`));
  }
  const composeErrors = composeOutput
    .split('\n')
    .filter((l) => /error|failed|unhealthy|denied|not found|timeout|allocated/i.test(l))
    .slice(-5);
  if (composeErrors.length)
    lines.push('  docker compose said:', ...composeErrors.map((l) => `    ${l.trim()}`));
  if (/rlimit|ulimit/i.test(composeOutput) && stack.backend === 'signoz')
    lines.push(`  ${ulimitAdvice(stack)}`);
  if (options.keepOnFailure) {
    lines.push(`Left as it is for inspection (--keep-on-failure); "stackgen down ${stack.name}" removes it.`);
  } else {
    const down = await project.run(['down', '--remove-orphans']);
    lines.push(
      down.exitCode === 0
        ? 'Removed the stack\'s containers and networks (data volumes are kept). Fix the cause and run "stackgen up" again.'
        : `Could not remove the containers: ${firstLine(String(down.stderr ?? ''))}`,
    );
  }
  throw new OperationError(lines.join('\n'));
}

async function lastLogLines(project: ComposeProject, service: string): Promise<string[]> {
  const logs = await project.run(['logs', '--no-color', '--no-log-prefix', '--tail', '15', service]);
  const text = String(logs.stdout ?? '')
    // eslint-disable-next-line no-control-regex -- compose's log lines carry terminal escape codes
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .trim();
  return text ? text.split('\n') : [];
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

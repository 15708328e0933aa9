/**
 * `up`, `down` and `status` for `target: swarm`, against the swarm manager the Docker CLI talks to
 * (DOCKER_HOST or a Docker context): checks, `docker stack deploy` of swarm.yaml, the wait until the stack
 * has converged (every task running, healthy where it has a healthcheck; every job complete), and `docker
 * stack rm` with the wait until its tasks and networks are gone. The questions to the swarm are in
 * docker/swarm.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  createImageProbe,
  removeServices,
  removeUnusedObjects,
  serviceTasks,
  stackDeploy,
  stackLeft,
  stackRemove,
  stackServices,
  swarmNodes,
  swarmRole,
  type SwarmService,
} from '../docker/swarm.js';
import { OperationError } from '../errors.js';
import type { Io } from '../io.js';
import type { Stack } from '../model/normalize.js';
import { tlsInputs } from '../model/tls.js';
import { readSecrets } from '../output/secrets.js';
import { hostForUrls } from '../render/endpoints.js';
import { backendOf } from '../backends/index.js';
import { fileHashVariable, NAME_HASH_LENGTH } from '../render/swarm.js';
import type { ServiceChange } from './service-plan.js';
import { definitionsToDeploy, planDeploy, recordDeployment, removeDeploymentRecords } from './swarm-plan.js';
import { openFilesOf } from './start.js';

export { stackServices, type SwarmService };

/** The engine is a swarm manager (its address is returned); else an error saying how to reach one. */
export async function assertSwarmManager(stack: Stack): Promise<{ address: string }> {
  const role = await swarmRole();
  if (role.error) throw new OperationError(`docker does not answer: ${role.error}`);
  if (!role.manager) {
    throw new OperationError(
      `${stack.name} runs on a Docker Swarm (target: swarm), and this engine is ${role.state === 'active' ? 'a swarm worker' : 'not in a swarm'}: point DOCKER_HOST (or a Docker context) at a swarm manager`,
    );
  }
  return role;
}

/** Each placement label names exactly one node: a data volume lives on one node only. */
export async function assertNodeLabels(stack: Stack): Promise<void> {
  const nodes = await swarmNodes();
  const { data, services } = stack.swarm.placement;
  const wanted = [...new Set([data, ...Object.values(services)])];
  const problems = wanted.flatMap((label) => {
    const [key, value] = label.split('=') as [string, string];
    const matching = nodes.filter((n) => n.labels[key] === value).map((n) => n.hostname);
    if (matching.length === 1) return [];
    return [
      matching.length === 0
        ? `no node has the label ${label}: add it to the node that keeps the data ("docker node update --label-add ${label} <node>")`
        : `${matching.length} nodes have the label ${label} (${matching.join(', ')}): a data volume lives on one node, so keep it on one`,
    ];
  });
  if (problems.length) throw new OperationError(`placement (swarm.placement): ${problems.join('; ')}`);
}

/**
 * Before anything is deployed, each image is tried on every node its service may run on: a global job with
 * the service's placement and an entrypoint no image has, whose task fails either way, with "No such
 * image" where the node neither has the image nor could pull it (a node tries the pull first, as it will for
 * the stack, so with a registry this pulls the images ahead of the deploy; it may take a while, within the
 * wait's timeout).
 */
export async function assertImagesOnNodes(root: string, stack: Stack, timeoutSeconds: number): Promise<void> {
  const { registryAuth, resolveImage } = stack.swarm;
  const output = path.join(root, stack.output);
  const probes = new Map<
    string,
    { name: string; image: string; constraints: string[]; services: string[] }
  >();
  for (const file of deployedFiles(root, stack)) {
    const compose = parse(await readFile(path.join(output, file), 'utf8')) as {
      services?: Record<string, { image?: string; deploy?: { placement?: { constraints?: string[] } } }>;
    };
    for (const [service, { image, deploy }] of Object.entries(compose.services ?? {})) {
      // One interpolated at deploy (a user's ${TAG}) is not known yet.
      if (!image || image.includes('$')) continue;
      const constraints = deploy?.placement?.constraints ?? [];
      const key = JSON.stringify([image, constraints]);
      const name = `${stack.name}-image-probe-${probes.size + 1}`;
      const probe = probes.get(key) ?? { name, image, constraints, services: [] };
      probe.services.push(service);
      probes.set(key, probe);
    }
  }
  const names = [...probes.values()].map((p) => p.name);
  // Left by an interrupted run, if any.
  await removeServices(names);
  const missing: string[] = [];
  try {
    await Promise.all(
      [...probes.values()].map((p) => createImageProbe(p.name, p.image, p.constraints, registryAuth)),
    );
    const until = Date.now() + timeoutSeconds * 1000;
    for (const probe of probes.values()) {
      for (;;) {
        // Swarm places the tasks of a global job on every eligible node at once; each node's first
        // ended task tells (Swarm retries it, whatever the restart policy says).
        const tasks = await serviceTasks(probe.name);
        const nodes = new Set(tasks.map((t) => t.node));
        const ended = tasks.filter((t) => /^(Failed|Rejected|Complete)/.test(t.state));
        if (nodes.size > 0 && [...nodes].every((n) => ended.some((t) => t.node === n))) {
          const lacking = new Set(ended.filter((t) => IMAGE_MISSING.test(t.error)).map((t) => t.node));
          if (lacking.size)
            missing.push(
              `${probe.image} on ${[...lacking].sort().join(', ')} (${probe.services.join(', ')})`,
            );
          break;
        }
        if (Date.now() > until) {
          throw new OperationError(
            `could not tell within ${timeoutSeconds}s whether the nodes have ${probe.image}: "docker service ps ${probe.name}" tells why`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await removeServices(names);
  }
  if (missing.length) {
    const login = registryAuth
      ? 'with your docker login'
      : '(a private one needs your docker login and swarm.registryAuth: true)';
    const advice =
      resolveImage === 'never'
        ? 'Load them there (docker load), or push them to a registry the nodes reach and set swarm.resolveImage to always'
        : `Check the names, and that the registry has them and the nodes reach it ${login}; or load them on the nodes (docker load)`;
    throw new OperationError(
      `nodes have neither loaded nor could pull images of ${stack.name}: ${missing.join('; ')}. ${advice}. Nothing was deployed`,
    );
  }
}

/** The compose files docker stack deploy reads, relative to the output folder: swarm.yaml, then yours. */
function deployedFiles(root: string, stack: Stack): string[] {
  const output = path.join(root, stack.output);
  return [
    'swarm.yaml',
    ...stack.extensions.includes.map((f) =>
      path.relative(output, path.join(root, f.path)).split(path.sep).join('/'),
    ),
  ];
}

/**
 * Where this machine reaches each service's published ports on the swarm (verify): with `publish: host`, the
 * address of the node running its task; with `publish: ingress`, the manager's, since every node routes.
 * A service running nowhere maps to the manager too, where asking it then fails and says so.
 */
export async function publishedHosts(stack: Stack): Promise<(service: string) => string> {
  if (stack.swarm.publish === 'none') {
    throw new OperationError(
      `${stack.name} publishes no ports on its nodes (swarm.publish: none), so verify cannot reach it from here: set swarm.publish to host or ingress, or check it from a container on its overlay network`,
    );
  }
  const { address: manager } = await assertSwarmManager(stack);
  if (stack.swarm.publish === 'ingress') return () => hostForUrls(manager);
  const [nodes, services] = await Promise.all([swarmNodes(), stackServices(stack.name)]);
  const addresses = new Map(nodes.map((n) => [n.hostname, n.address]));
  const running = new Map(
    services.map((s) => [s.service, s.tasks.find((t) => t.state.startsWith('Running'))?.node ?? '']),
  );
  return (service) => hostForUrls(addresses.get(running.get(service) ?? '') ?? manager);
}

/**
 * docker stack deploy, with the stack's secrets from .env written to a private folder for the moment of the
 * deploy and named by a hash of their value (a changed secret rolls the services that read it).
 */
export async function deployStack(root: string, stack: Stack, io: Io): Promise<void> {
  const secrets = await readSecrets(root, stack);
  const folder = await mkdtemp(path.join(tmpdir(), 'stackgen-secrets-'));
  try {
    for (const [name, value] of Object.entries(secrets))
      await writeFile(path.join(folder, name), value, { mode: 0o600 });
    const deploy = {
      dir: path.join(root, stack.output),
      // Your own compose files (include) join the stack as further files of the deploy.
      files: deployedFiles(root, stack),
      env: await deployEnv(root, stack, secrets, folder),
    };
    // What the deploy hands the swarm, kept there for plan (runtime/swarm-plan.ts).
    const definitions = await definitionsToDeploy(deploy);
    const done = await stackDeploy({
      ...deploy,
      stack: stack.name,
      resolveImage: stack.swarm.resolveImage,
      registryAuth: stack.swarm.registryAuth,
    });
    for (const line of done) io.err(`  ${line}`);
    // The deploy happened: without its record, only plan is the poorer.
    await recordDeployment(stack.name, definitions).catch((error: unknown) => {
      if (!(error instanceof OperationError)) throw error;
      io.err(`  (no record of this deploy for plan: ${error.message})`);
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * What docker stack deploy interpolates into swarm.yaml: the secrets' folder, a hash of each secret's
 * value and of each TLS file (their objects are named by it: a change rolls the services that use them),
 * and the backend's plain variables (SigNoz's organisation id). A TLS file not made yet (plan, before generate) hashes as empty.
 */
export async function deployEnv(
  root: string,
  stack: Stack,
  secrets: Record<string, string>,
  folder: string,
): Promise<Record<string, string>> {
  const hash = (value: string | Buffer) =>
    createHash('sha256').update(value).digest('hex').slice(0, NAME_HASH_LENGTH);
  const env: Record<string, string> = { STACKGEN_SECRETS_DIR: folder };
  // Not secrets, and interpolated where they are used: docker stack deploy reads no .env.
  for (const name of backendOf(stack.backend).plainVariables ?? [])
    if (secrets[name]) env[name] = secrets[name];
  for (const [name, value] of Object.entries(secrets)) env[`${name}_SHA`] = hash(value);
  const output = path.join(root, stack.output);
  for (const file of tlsInputs(stack))
    env[fileHashVariable(file)] = hash(await readFile(path.join(output, file)).catch(() => ''));
  return env;
}

/** What up would do to each service of the stack on the swarm, for swarm.yaml as it would be written. */
export async function planOnSwarm(
  root: string,
  stack: Stack,
  swarmYaml: string,
  newSecrets: Record<string, string>,
): Promise<ServiceChange[]> {
  const output = path.join(root, stack.output);
  // docker stack config reads the files from there (yours, and swarm.yaml's relative paths).
  if (!existsSync(output))
    throw new OperationError(`${stack.output} does not exist yet: run "stackgen generate", then plan again`);
  const secrets = { ...(await readSecrets(root, stack)), ...newSecrets };
  const planned = await definitionsToDeploy({
    dir: output,
    files: deployedFiles(root, stack),
    // The secrets' folder is not read: a secret's file is not part of what is compared.
    env: await deployEnv(root, stack, secrets, '/stackgen-plan-reads-no-secret-file'),
    input: swarmYaml,
  });
  return planDeploy(stack.name, planned);
}

export const converged = (s: SwarmService) => {
  if (s.update !== '' && s.update !== 'completed' && s.update !== 'rollback_completed') return false;
  const job = /\((\d+)\/(\d+) completed\)/.exec(s.replicas);
  if (job) return job[1] === job[2];
  // "1/1", or "1/1 (max 1 per node)" for a service with host-mode ports.
  const [, running, wanted] = /^(\d+)\/(\d+)/.exec(s.replicas) ?? [];
  return Number(wanted) > 0 && running === wanted;
};

/** A task's error when its node has its image neither loaded nor to be pulled. */
const IMAGE_MISSING = /No such image|pull access denied|manifest unknown|repository does not exist/i;

/**
 * Task errors that waiting cannot fix, though Swarm would retry for ever, and what to do about each: an
 * image neither on the node nor to be pulled; an open-files limit above what the node's engine grants
 * (only a backend's service asks for one: SigNoz's ClickHouse).
 */
const HOPELESS: { error: RegExp; advice: (stack: Stack) => string }[] = [
  {
    error: IMAGE_MISSING,
    advice: () =>
      'load the image on the nodes (docker load), or push it to a registry they reach (a private one needs your docker login and swarm.registryAuth: true)',
  },
  {
    error: /error setting rlimit/i,
    advice: (stack) => {
      const wants = openFilesOf(stack);
      return wants
        ? `that engine refuses ${wants.what}'s open-files limit of ${wants.limit} (${wants.key}): lower it to what the nodes' engines allow, or raise their own limit (LimitNOFILE in docker.service; Debian's allows 1048576)`
        : "that engine refuses a service's open-files limit";
    },
  },
];
const hopeless = (error: string) => HOPELESS.find((h) => h.error.test(error));

/** What the swarm had already been through before a deploy: failed tasks, and each service's last update. */
export interface BeforeDeploy {
  failedTasks: ReadonlySet<string>;
  updates: ReadonlyMap<string, string>;
}

export async function beforeDeploy(stack: Stack): Promise<BeforeDeploy> {
  const services = await stackServices(stack.name);
  return {
    failedTasks: new Set(services.flatMap((s) => (s.failed ? [s.failed.id] : []))),
    updates: new Map(services.map((s) => [s.service, s.updateStarted])),
  };
}

/**
 * Until every service runs as many tasks as it wants (Swarm counts a task with a healthcheck only once
 * healthy) and every job completed; progress on stderr; on timeout, what failed on which node. It ends at
 * once when this deploy cannot succeed: a task failed in a way retrying cannot fix (HOPELESS), or Swarm
 * rolled back an update of this deploy (failure_action: rollback), which would otherwise look like a
 * service running fine.
 */
export async function waitConverged(
  stack: Stack,
  io: Io,
  timeoutSeconds: number,
  before: BeforeDeploy = { failedTasks: new Set(), updates: new Map() },
): Promise<SwarmService[]> {
  const until = Date.now() + timeoutSeconds * 1000;
  const said = new Map<string, string>();
  for (;;) {
    const services = await stackServices(stack.name);
    for (const s of services) {
      // A line when its count or update state changes; the tasks' ages alone change every second.
      const summary = `${s.service}: ${s.replicas}${s.update && s.update !== 'completed' ? ` ${s.update.replace(/_/g, ' ')}` : ''}`;
      if (said.get(s.service) === summary) continue;
      said.set(s.service, summary);
      const tasks = s.tasks.map((t) => `${t.node} ${t.state.replace(/ \d+ \w+ ago$/, '').toLowerCase()}`);
      io.err(`  ${summary}${tasks.length ? ` (${tasks.join(', ')})` : ''}`);
    }
    const rolledBack = services.find(
      (s) => s.update === 'rollback_completed' && s.updateStarted !== before.updates.get(s.service),
    );
    const newFailure = (s: SwarmService) => s.failed && !before.failedTasks.has(s.failed.id);
    if (rolledBack) {
      throw new OperationError(
        `${cannotStart(stack, rolledBack, newFailure(rolledBack))}; Swarm rolled ${rolledBack.service} back to its previous settings${rolledBack.updateMessage ? ` (${rolledBack.updateMessage})` : ''}`,
      );
    }
    if (services.length > 0 && services.every(converged)) return services;
    // Only a task of what the service now asks for: an earlier version may still be failing, being replaced.
    const stuck = services.find(
      (s) => !converged(s) && newFailure(s) && s.failed!.current && hopeless(s.failed!.error),
    );
    if (stuck) throw new OperationError(`${cannotStart(stack, stuck, true)} (Swarm would retry it for ever)`);
    if (Date.now() > until) {
      const failing = services.filter((s) => !converged(s));
      throw new OperationError(
        `${stack.name} did not converge within ${timeoutSeconds}s: ${failing
          .map((s) => {
            const failed = s.tasks.find((t) => t.error) ?? s.tasks[0];
            return `${s.service} ${s.replicas}${failed ? ` on ${failed.node}: ${failed.error || failed.state}` : ' (no task placed: check the node labels and images on the nodes)'}`;
          })
          .join('; ')}. "docker service ps --no-trunc ${stack.name}_<service>" tells more`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Why a service does not run, from its newest failed task when that failed in this deploy. */
function cannotStart(stack: Stack, s: SwarmService, failedNow: boolean | undefined): string {
  if (!failedNow || !s.failed) return `${s.service} did not take its new settings`;
  const { node, error } = s.failed;
  const known = hopeless(error);
  return `${s.service} cannot start on ${node}: ${error}${known ? `; ${known.advice(stack)}` : ''}`;
}

/** Configs and secrets of older deploys, which no service uses any more (those in use are refused). */
export async function pruneUnused(stack: Stack): Promise<void> {
  await removeUnusedObjects(stack.name);
}

/** docker stack rm, then until the stack's services and networks are gone from the swarm. */
export async function removeStack(stack: Stack, timeoutSeconds = 120): Promise<void> {
  let removed = await stackRemove(stack.name);
  const until = Date.now() + timeoutSeconds * 1000;
  while (await stackLeft(stack.name)) {
    // Its networks are removed once no stopping task holds them: asked again until then.
    if (!removed) removed = await stackRemove(stack.name);
    if (Date.now() > until) {
      throw new OperationError(
        `${stack.name} was not gone within ${timeoutSeconds}s: "docker stack ps ${stack.name}" shows what is left`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await removeDeploymentRecords(stack.name);
}

/**
 * What stackgen asks a Docker Swarm, each through one typed verb, like docker/engine.ts for one engine:
 * the engine's place in the swarm, the nodes and their labels, a stack's deploy, services, tasks and
 * removal. runtime/swarm.ts decides what the answers mean.
 */
import { execa } from 'execa';
import { OperationError } from '../errors.js';
import { firstLine } from './cli.js';
import { lines } from './engine.js';

const docker = (
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
) => execa('docker', args, { reject: false, ...options });

/** docker's own words of a failed command. */
const failure = (result: { exitCode?: number; stderr?: unknown }) =>
  firstLine(String(result.stderr ?? '')) || `exit code ${result.exitCode}`;

/**
 * The engine's place in a swarm: `state` is "active" in one; `manager` when it can take stack commands;
 * `address` is where the other nodes reach it.
 */
export async function swarmRole(): Promise<{
  error?: string;
  state: string;
  manager: boolean;
  address: string;
}> {
  const format = '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeAddr}}';
  const info = await docker(['info', '--format', format]);
  if (info.exitCode !== 0) return { error: failure(info), state: '', manager: false, address: '' };
  const [state = '', manager, address = ''] = info.stdout.trim().split(' ');
  return { state, manager: manager === 'true', address };
}

/** The swarm's nodes: hostname, the address the swarm knows it by, and labels. */
export async function swarmNodes(): Promise<
  { hostname: string; address: string; labels: Record<string, string> }[]
> {
  const ids = lines((await docker(['node', 'ls', '-q'])).stdout);
  // A manager may report 0.0.0.0 as its node address; its manager address then says where it is.
  const format =
    '{{.Description.Hostname}} {{.Status.Addr}} {{if .ManagerStatus}}{{.ManagerStatus.Addr}}{{else}}-{{end}} {{json .Spec.Labels}}';
  const inspected = await docker(['node', 'inspect', '--format', format, ...ids]);
  return lines(inspected.stdout).map((line) => {
    const [hostname = '', address = '', managerAddress = '', ...labels] = line.split(' ');
    return {
      hostname,
      address:
        address === '0.0.0.0' && managerAddress !== '-' ? managerAddress.replace(/:\d+$/, '') : address,
      labels: (JSON.parse(labels.join(' ')) ?? {}) as Record<string, string>,
    };
  });
}

/**
 * docker stack deploy of compose files relative to `dir` (the later add to the first), with the environment
 * their interpolation reads; what it did.
 */
export async function stackDeploy(options: {
  dir: string;
  files: string[];
  stack: string;
  resolveImage: string;
  registryAuth: boolean;
  env: Record<string, string>;
}): Promise<string[]> {
  const { dir, files, stack, resolveImage, env } = options;
  const args = [
    'stack',
    'deploy',
    '--prune',
    '--resolve-image',
    resolveImage,
    ...(options.registryAuth ? ['--with-registry-auth'] : []),
    ...files.flatMap((file) => ['-c', file]),
    stack,
  ];
  const result = await docker(args, { cwd: dir, env });
  if (result.exitCode !== 0) throw new OperationError(`docker stack deploy failed: ${failure(result)}`);
  return lines(result.stdout);
}

/**
 * docker stack config: the compose files relative to `dir` merged and interpolated with `env`, as docker
 * stack deploy would read them; `input` stands for the first file, read from stdin.
 */
export async function stackConfig(options: {
  dir: string;
  files: string[];
  env: Record<string, string>;
  input?: string;
}): Promise<string> {
  const { dir, files, env, input } = options;
  const args = ['stack', 'config', ...files.flatMap((file, i) => ['-c', i === 0 && input ? '-' : file])];
  const result = await docker(args, { cwd: dir, env, ...(input ? { input } : {}) });
  if (result.exitCode !== 0) throw new OperationError(`docker stack config failed: ${failure(result)}`);
  return String(result.stdout);
}

/** The names of a stack's services, without the stack's prefix. */
export async function stackServiceNames(stack: string): Promise<string[]> {
  const result = await docker(['stack', 'services', stack, '--format', '{{.Name}}']);
  return lines(result.stdout).map((name) => name.slice(stack.length + 1));
}

/** Swarm configs with the label `key=value`: name, when made, and content. */
export async function labelledConfigs(
  key: string,
  value: string,
): Promise<{ name: string; created: string; data: string }[]> {
  const names = lines((await docker(['config', 'ls', '--filter', `label=${key}=${value}`, '-q'])).stdout);
  if (names.length === 0) return [];
  const format = '{{.Spec.Name}}\t{{.CreatedAt}}\t{{json .Spec.Data}}';
  const inspected = await docker(['config', 'inspect', '--format', format, ...names]);
  return lines(inspected.stdout).map((line) => {
    const [name = '', created = '', data = '""'] = line.split('\t');
    return { name, created, data: Buffer.from(JSON.parse(data) as string, 'base64').toString('utf8') };
  });
}

/** A Swarm config with the label `key=value`; one of that name already there is taken as it is. */
export async function createLabelledConfig(
  name: string,
  key: string,
  value: string,
  data: string,
): Promise<void> {
  const result = await docker(['config', 'create', '--label', `${key}=${value}`, name, '-'], { input: data });
  if (result.exitCode !== 0 && !/already exists/i.test(String(result.stderr)))
    throw new OperationError(`docker config create failed: ${failure(result)}`);
}

export async function removeConfigs(names: string[]): Promise<void> {
  if (names.length) await docker(['config', 'rm', ...names]);
}

export interface SwarmService {
  service: string;
  mode: string;
  /** "1/1", or for a job "0/1 (1/1 completed)". */
  replicas: string;
  /** The node of each task that should be running, and its state. */
  tasks: { node: string; state: string; error: string }[];
  /** A rolling update under way or stuck ("updating", "paused", "rollback_started", …), else "". */
  update: string;
  /** When the latest rolling update (or its rollback) started, as the manager says; what it said of it. */
  updateStarted: string;
  updateMessage: string;
  /**
   * The newest task that failed or was rejected (its id, node and error), when one was; `current` when it
   * ran what the service asks for now, not an earlier version of it.
   */
  failed?: { id: string; node: string; error: string; current: boolean };
}

/** Each service of the stack with its tasks and update state (`service` without the stack's prefix). */
export async function stackServices(stack: string): Promise<SwarmService[]> {
  const format = '{{.Name}}\t{{.Mode}}\t{{.Replicas}}';
  const listed = lines((await docker(['stack', 'services', stack, '--format', format])).stdout).map((line) =>
    line.split('\t'),
  );
  if (listed.length === 0) return [];
  const names = listed.map(([name = '']) => name);
  // One inspect for all of them: name, what its tasks run, then the state, start and message of a rolling
  // update, if any.
  const updateFormat = `{{.Spec.Name}}\t{{with .Spec.TaskTemplate.ContainerSpec}}${TASK_FINGERPRINT}{{end}}\t{{if .UpdateStatus}}{{.UpdateStatus.State}}\t{{.UpdateStatus.StartedAt}}\t{{.UpdateStatus.Message}}{{end}}`;
  const updates = new Map(
    lines((await docker(['service', 'inspect', '--format', updateFormat, ...names])).stdout).map((line) => {
      const [name = '', fingerprint = '', state = '', started = '', message = ''] = line.split('\t');
      return [name, { fingerprint, state, started, message }] as const;
    }),
  );
  const services = await Promise.all(
    listed.map(async ([name = '', mode = '', replicas = '']) => {
      const all = await serviceTasks(name);
      // The tasks meant to run (or that completed, for a job); else the latest, whose error says why.
      const current = all.filter((t) => t.desired === 'Running' || /^Complete/.test(t.state));
      const tasks = (current.length ? current : all.slice(0, 1)).map(({ node, state, error }) => ({
        node,
        state,
        error,
      }));
      const service = name.slice(stack.length + 1);
      // docker lists a service's tasks newest first within each slot. A pending task's error is only why it
      // waits for a node (a port still held, say): not a failure.
      const failed = all.find((t) => t.error && /^(Failed|Rejected)/.test(t.state));
      return {
        service,
        mode,
        replicas,
        tasks,
        update: updates.get(name)?.state ?? '',
        updateStarted: updates.get(name)?.started ?? '',
        updateMessage: updates.get(name)?.message ?? '',
        ...(failed
          ? { failed: { id: failed.id, node: failed.node, error: failed.error, current: false } }
          : {}),
      };
    }),
  );
  // Whether each failed task ran what its service now asks for, or an earlier version of it.
  const failedIds = services.flatMap((s) => (s.failed ? [s.failed.id] : []));
  if (failedIds.length) {
    const format = `{{.ID}}\t{{with .Spec.ContainerSpec}}${TASK_FINGERPRINT}{{end}}`;
    const ran = new Map(
      lines((await docker(['inspect', '--type', 'task', '--format', format, ...failedIds])).stdout).map(
        (line) => line.split('\t') as [string, string],
      ),
    );
    for (const s of services) {
      if (s.failed)
        s.failed.current = ran.get(s.failed.id) === updates.get(`${stack}_${s.service}`)?.fingerprint;
    }
  }
  return services;
}

/**
 * What a task runs, from its container spec: equal for a task and its service while the service still asks
 * for what the task was made from. (The whole spec is not: the service's carries defaults its tasks lack.)
 */
const TASK_FINGERPRINT = [
  'Image',
  'Command',
  'Args',
  'Env',
  'Labels',
  'Mounts',
  'Configs',
  'Secrets',
  'Ulimits',
]
  .map((field) => `{{json .${field}}}`)
  .join(' ');

/**
 * A global job running `image` on every node that `constraints` allow, with an entrypoint no image has:
 * its tasks fail either way, and tell whether the node has the image or could pull it (nodes try a pull
 * first, with your registry credentials when `registryAuth`). Its image is not resolved.
 */
export async function createImageProbe(
  name: string,
  image: string,
  constraints: string[],
  registryAuth: boolean,
): Promise<void> {
  const args = [
    'service',
    'create',
    '--detach',
    '--name',
    name,
    '--mode',
    'global-job',
    '--restart-condition',
    'none',
    '--no-resolve-image',
    ...(registryAuth ? ['--with-registry-auth'] : []),
    '--entrypoint',
    '/stackgen-image-probe',
    ...constraints.flatMap((c) => ['--constraint', c]),
    image,
  ];
  const result = await docker(args);
  if (result.exitCode !== 0) throw new OperationError(`docker service create failed: ${failure(result)}`);
}

/**
 * A service's tasks, newest first within each node or slot: id, node, desired and current state, and
 * error (docker quotes it: "No such image: …").
 */
export async function serviceTasks(
  name: string,
): Promise<{ id: string; node: string; desired: string; state: string; error: string }[]> {
  const format = '{{.ID}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}';
  const ps = await docker(['service', 'ps', name, '--no-trunc', '--format', format]);
  return lines(ps.stdout).map((line) => {
    const [id = '', node = '', desired = '', state = '', error = ''] = line.split('\t');
    return { id, node, desired, state, error: error.replace(/^"(.*)"$/, '$1') };
  });
}

export async function removeServices(names: string[]): Promise<void> {
  if (names.length) await docker(['service', 'rm', ...names]);
}

const namespace = (stack: string) => ['--filter', `label=com.docker.stack.namespace=${stack}`];

/** Removes the stack's configs and secrets that no service uses (the swarm refuses those in use). */
export async function removeUnusedObjects(stack: string): Promise<void> {
  for (const kind of ['config', 'secret']) {
    const names = lines((await docker([kind, 'ls', ...namespace(stack), '--format', '{{.Name}}'])).stdout);
    if (names.length) await docker([kind, 'rm', ...names]);
  }
}

/**
 * docker stack rm. A network a task still holds while it stops is not removed ("is in use by task"): that
 * is not a failure, the caller asks again once the tasks are gone; `false` then.
 */
export async function stackRemove(stack: string): Promise<boolean> {
  const result = await docker(['stack', 'rm', stack]);
  if (result.exitCode === 0) return true;
  if (/is in use by task/.test(String(result.stderr))) return false;
  throw new OperationError(`docker stack rm failed: ${failure(result)}`);
}

/** Whether the swarm still has services or networks of the stack. */
export async function stackLeft(stack: string): Promise<boolean> {
  const [services, networks] = await Promise.all([
    docker(['service', 'ls', ...namespace(stack), '-q']),
    docker(['network', 'ls', ...namespace(stack), '-q']),
  ]);
  return Boolean(services.stdout.trim() || networks.stdout.trim());
}

/** docker service logs of one service, on this terminal; its exit code (null when interrupted). */
export async function serviceLogs(
  service: string,
  options: { follow: boolean; tail: string | undefined },
): Promise<number | null> {
  const args = [
    'service',
    'logs',
    ...(options.follow ? ['--follow'] : []),
    ...(options.tail ? ['--tail', options.tail] : []),
    service,
  ];
  const result = await execa('docker', args, { stdio: 'inherit', reject: false });
  return result.isTerminated ? null : (result.exitCode ?? null);
}

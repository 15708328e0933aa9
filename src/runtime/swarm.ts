/**
 * `up`, `down` and `status` for `target: swarm`, against the swarm manager the Docker CLI talks to
 * (DOCKER_HOST or a Docker context): checks, `docker stack deploy` of swarm.yaml, the wait until the stack
 * has converged (every task running, healthy where it has a healthcheck; every job complete), and `docker
 * stack rm` with the wait until its tasks and networks are gone.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { firstLine } from '../docker/cli.js';
import { OperationError } from '../errors.js';
import type { Io } from '../io.js';
import type { Stack } from '../model/normalize.js';
import { readSecrets } from '../output/secrets.js';
import { tlsInputs } from '../model/tls.js';
import { fileHashVariable, NAME_HASH_LENGTH } from '../render/swarm.js';

const docker = (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) =>
  execa('docker', args, { reject: false, ...options });

const lines = (text: unknown) =>
  String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The engine is a swarm manager; else an error saying how to reach one. */
export async function assertSwarmManager(stack: Stack): Promise<void> {
  const info = await docker(['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}']);
  const [state, manager] = info.stdout.trim().split(' ');
  if (info.exitCode !== 0)
    throw new OperationError(`docker does not answer: ${firstLine(String(info.stderr))}`);
  if (state !== 'active' || manager !== 'true') {
    throw new OperationError(
      `${stack.name} runs on a Docker Swarm (target: swarm), and this engine is ${state === 'active' ? 'a swarm worker' : 'not in a swarm'}: point DOCKER_HOST (or a Docker context) at a swarm manager`,
    );
  }
}

/** Each placement label names exactly one node: a data volume lives on one node only. */
export async function assertNodeLabels(stack: Stack): Promise<void> {
  const ids = lines((await docker(['node', 'ls', '-q'])).stdout);
  const inspected = await docker([
    'node',
    'inspect',
    '--format',
    '{{.Description.Hostname}} {{json .Spec.Labels}}',
    ...ids,
  ]);
  const nodes = lines(inspected.stdout).map((line) => {
    const [hostname, labels] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
    return { hostname, labels: (JSON.parse(labels) ?? {}) as Record<string, string> };
  });
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
 * docker stack deploy, with the stack's secrets from .env written to a private folder for the moment of the
 * deploy and named by a hash of their value (a changed secret rolls the services that read it).
 */
export async function deployStack(root: string, stack: Stack, io: Io): Promise<void> {
  const secrets = await readSecrets(root, stack);
  const folder = await mkdtemp(path.join(tmpdir(), 'stackgen-secrets-'));
  try {
    const hash = (value: string | Buffer) =>
      createHash('sha256').update(value).digest('hex').slice(0, NAME_HASH_LENGTH);
    const env: Record<string, string> = { STACKGEN_SECRETS_DIR: folder };
    for (const [name, value] of Object.entries(secrets)) {
      await writeFile(path.join(folder, name), value, { mode: 0o600 });
      env[`${name}_SHA`] = hash(value);
    }
    const output = path.join(root, stack.output);
    for (const file of tlsInputs(stack))
      env[fileHashVariable(file)] = hash(await readFile(path.join(output, file)));
    const result = await docker(
      [
        'stack',
        'deploy',
        '--prune',
        '--resolve-image',
        stack.swarm.resolveImage,
        '-c',
        'swarm.yaml',
        stack.name,
      ],
      { cwd: output, env },
    );
    if (result.exitCode !== 0) {
      throw new OperationError(
        `docker stack deploy failed: ${firstLine(String(result.stderr)) || `exit code ${result.exitCode}`}`,
      );
    }
    for (const line of lines(result.stdout)) io.err(`  ${line}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
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
}

export async function stackServices(stack: Stack): Promise<SwarmService[]> {
  const listed = lines(
    (await docker(['stack', 'services', stack.name, '--format', '{{.Name}}\t{{.Mode}}\t{{.Replicas}}']))
      .stdout,
  );
  return Promise.all(
    listed.map(async (line) => {
      const [name = '', mode = '', replicas = ''] = line.split('\t');
      const ps = await docker([
        'service',
        'ps',
        name,
        '--no-trunc',
        '--format',
        '{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}',
      ]);
      const all = lines(ps.stdout)
        .map((l) => l.split('\t'))
        .map(([node = '', desired = '', state = '', error = '']) => ({ node, desired, state, error }));
      // The tasks meant to run (or that completed, for a job); else the latest, whose error says why.
      const current = all.filter((t) => t.desired === 'Running' || /^Complete/.test(t.state));
      const tasks = (current.length ? current : all.slice(0, 1)).map(({ node, state, error }) => ({
        node,
        state,
        error,
      }));
      const inspect = await docker([
        'service',
        'inspect',
        name,
        '--format',
        '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}',
      ]);
      const update = inspect.stdout.trim();
      return { service: name.slice(stack.name.length + 1), mode, replicas, tasks, update };
    }),
  );
}

export const converged = (s: SwarmService) => {
  if (s.update !== '' && s.update !== 'completed' && s.update !== 'rollback_completed') return false;
  const job = /\((\d+)\/(\d+) completed\)/.exec(s.replicas);
  if (job) return job[1] === job[2];
  const [running, wanted] = s.replicas.split('/').map(Number);
  return wanted! > 0 && running === wanted;
};

/**
 * Until every service runs as many tasks as it wants (Swarm counts a task with a healthcheck only once
 * healthy) and every job completed; progress on stderr; on timeout, what failed on which node.
 */
export async function waitConverged(stack: Stack, io: Io, timeoutSeconds: number): Promise<SwarmService[]> {
  const until = Date.now() + timeoutSeconds * 1000;
  const said = new Map<string, string>();
  for (;;) {
    const services = await stackServices(stack);
    for (const s of services) {
      const line = `${s.service}: ${s.replicas}${s.update && s.update !== 'completed' ? ` ${s.update.replace(/_/g, ' ')}` : ''}${s.tasks.length ? ` (${s.tasks.map((t) => `${t.node} ${t.state.replace(/ \d+ \w+ ago$/, '').toLowerCase()}`).join(', ')})` : ''}`;
      if (said.get(s.service) !== line.replace(/\(.*\)/, '')) io.err(`  ${line}`);
      said.set(s.service, line.replace(/\(.*\)/, ''));
    }
    if (services.length > 0 && services.every(converged)) return services;
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

/** Configs and secrets of older deploys, which no service uses any more (those in use are refused). */
export async function pruneUnused(stack: Stack): Promise<void> {
  const filter = ['--filter', `label=com.docker.stack.namespace=${stack.name}`, '--format', '{{.Name}}'];
  for (const kind of ['config', 'secret']) {
    const names = lines((await docker([kind, 'ls', ...filter])).stdout);
    if (names.length) await docker([kind, 'rm', ...names]);
  }
}

/** docker stack rm, then until the stack's services and networks are gone from the swarm. */
export async function removeStack(stack: Stack, timeoutSeconds = 120): Promise<void> {
  const result = await docker(['stack', 'rm', stack.name]);
  if (result.exitCode !== 0) {
    throw new OperationError(`docker stack rm failed: ${firstLine(String(result.stderr))}`);
  }
  const label = ['--filter', `label=com.docker.stack.namespace=${stack.name}`, '-q'];
  const until = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const [services, networks] = await Promise.all([
      docker(['service', 'ls', ...label]),
      docker(['network', 'ls', ...label]),
    ]);
    if (!services.stdout.trim() && !networks.stdout.trim()) return;
    if (Date.now() > until) {
      throw new OperationError(
        `${stack.name} was not gone within ${timeoutSeconds}s: "docker stack ps ${stack.name}" shows what is left`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * `stackgen down [STACK] [--volumes] [--yes]`: stops and removes the stack's containers and networks.
 * Data volumes stay unless --volumes, which asks first on a terminal and needs --yes elsewhere.
 */
import { firstLine, preflightDocker } from '../docker/cli.js';
import { ComposeProject } from '../docker/compose.js';
import { networkMembers } from '../docker/engine.js';
import { OperationError, UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import type { Stack } from '../model/normalize.js';
import { stackLock, withLock } from '../lock.js';
import { removeEnvMarker } from '../runtime/env-identity.js';
import { assertSwarmManager, removeStack } from '../runtime/swarm.js';
import { selectStack } from '../runtime/select-stack.js';
import { stackVolumes } from '../render/components.js';

export interface DownOptions extends CommandContext {
  stack: string | undefined;
  volumes: boolean;
  yes: boolean;
}

export async function down(options: DownOptions): Promise<{ stack: string; volumesRemoved: boolean }> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'down', options.invokedIn);
  const volumes = stackVolumes(stack).map((v) => `${stack.name}_${v}`);
  if (stack.target === 'swarm') {
    if (options.volumes) {
      throw new OperationError(
        `the volumes of ${stack.name} live on the swarm nodes that ran its services (swarm.placement): remove them there once the stack is down ("docker volume rm ${volumes.join(' ')}" on each such node)`,
      );
    }
    await assertSwarmManager(stack);
    await removeStack(stack);
    io.out(`${stack.name} is down on the swarm; its volumes stay on their nodes.`);
    return { stack: stack.name, volumesRemoved: false };
  }
  if (options.volumes && !options.yes) {
    if (!io.ask)
      throw new UsageError("--volumes deletes the stack's data; add --yes to confirm when not on a terminal");
    const answer = await io.ask(`Delete the data volumes of ${stack.name} (${volumes.join(', ')})? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new OperationError('nothing was removed');
  }
  const docker = await preflightDocker();
  const project = new ComposeProject(docker, stack, cwd);
  return withLock(stackLock(docker.engineId, stack.name), 'down', async () => {
    // Containers of other projects (your apps) on the stack's networks keep those networks in use.
    const users = await networkUsers(stack);
    const result = await project.run(
      ['down', '--remove-orphans', ...(options.volumes ? ['--volumes'] : [])],
      { all: true },
    );
    const output = String(result.all ?? '');
    const onlyNetworksInUse =
      users.size > 0 &&
      output.split('\n').every((l) => !/error/i.test(l) || /active endpoints|in use/i.test(l));
    if (result.exitCode !== 0 && !onlyNetworksInUse) {
      throw new OperationError(
        `docker compose down failed: ${firstLine(String(result.stderr ?? '')) || `exit code ${result.exitCode}`}`,
      );
    }
    if (options.volumes) await removeEnvMarker(stack.name);
    io.out(
      options.volumes
        ? `${stack.name} is down; its data volumes are deleted.`
        : `${stack.name} is down; its data volumes are kept (${volumes.join(', ')}).`,
    );
    for (const [network, containers] of users) {
      io.out(
        `Kept the network ${network}: ${containers.join(', ')} still ${containers.length === 1 ? 'uses' : 'use'} it. It goes with the next "stackgen down ${stack.name}" once they stop (or with "docker network rm ${network}").`,
      );
    }
    return { stack: stack.name, volumesRemoved: options.volumes };
  });
}

/** For each network the stack creates: the containers of other compose projects attached to it. */
async function networkUsers(stack: Stack): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  const created = [
    stack.networks.observability,
    ...stack.networks.applications.filter((n) => !n.external).map((n) => n.name),
  ];
  for (const network of created) {
    const others = ((await networkMembers(network)) ?? [])
      .filter((member) => member.project !== stack.name)
      .map((member) => member.name);
    if (others.length) users.set(network, others.sort());
  }
  return users;
}

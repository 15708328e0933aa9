/**
 * `stackgen down [STACK] [--volumes] [--yes]`: stops and removes the stack's containers and networks.
 * Data volumes stay unless --volumes, which asks first on a terminal and needs --yes elsewhere.
 */
import { firstLine, preflightDocker } from '../docker/cli.js';
import { ComposeProject } from '../docker/compose.js';
import { OperationError, UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import { stackLock, withLock } from '../lock.js';
import { selectStack } from '../runtime/select-stack.js';
import { buildView } from '../render/view.js';

export interface DownOptions extends CommandContext {
  stack: string | undefined;
  volumes: boolean;
  yes: boolean;
}

export async function down(options: DownOptions): Promise<{ stack: string; volumesRemoved: boolean }> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'down', options.invokedIn);
  const volumes = buildView(stack).volumes.map((v) => `${stack.name}_${v}`);
  if (options.volumes && !options.yes) {
    if (!io.ask)
      throw new UsageError("--volumes deletes the stack's data; add --yes to confirm when not on a terminal");
    const answer = await io.ask(`Delete the data volumes of ${stack.name} (${volumes.join(', ')})? [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new OperationError('nothing was removed');
  }
  const docker = await preflightDocker();
  const project = new ComposeProject(docker, stack, cwd);
  return withLock(stackLock(docker.engineId, stack.name), 'down', async () => {
    const result = await project.run(
      ['down', '--remove-orphans', ...(options.volumes ? ['--volumes'] : [])],
      { all: true },
    );
    if (result.exitCode !== 0) {
      throw new OperationError(
        `docker compose down failed: ${firstLine(String(result.stderr ?? '')) || `exit code ${result.exitCode}`}`,
      );
    }
    io.out(
      options.volumes
        ? `${stack.name} is down; its data volumes are deleted.`
        : `${stack.name} is down; its data volumes are kept (${volumes.join(', ')}).`,
    );
    return { stack: stack.name, volumesRemoved: options.volumes };
  });
}

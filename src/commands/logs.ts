/**
 * `stackgen logs [STACK] [SERVICE...] [-f]`: the services' logs, through docker compose (or, with
 * target: swarm, docker service logs).
 */
import { preflightDocker } from '../docker/cli.js';
import { ComposeProject } from '../docker/compose.js';
import { OperationError, UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import { projectServices, type Stack } from '../model/normalize.js';
import { serviceLogs } from '../docker/swarm.js';
import { assertSwarmManager } from '../runtime/swarm.js';
import { didYouMean } from '../model/rules.js';
import { findStackFiles, loadStacks } from '../project.js';
import { pickStack } from '../runtime/select-stack.js';

export interface LogsOptions extends CommandContext {
  /** The first word may be a stack name; the rest are services. */
  words: string[];
  follow: boolean;
  tail: string | undefined;
}

export async function logs(options: LogsOptions): Promise<void> {
  const { cwd, io } = options;
  const [first, ...rest] = options.words;
  const all = await loadStacks(cwd, await findStackFiles(cwd, []));
  // "stackgen logs jaeger" means the service, unless a stack has that name.
  const named = first !== undefined && all.some((l) => l.stack.name === first);
  const { stack } = await pickStack(all, io, named ? first : undefined, 'logs');
  const services = named ? rest : options.words;
  const known = projectServices(stack).map((s) => s.name);
  for (const service of services) {
    if (!known.includes(service)) {
      throw new UsageError(
        `no service "${service}" in the ${stack.name} stack (services: ${known.join(', ')})${didYouMean(service, known)}`,
      );
    }
  }
  if (stack.target === 'swarm') return swarmLogs(stack, services, options);
  const project = new ComposeProject(await preflightDocker(), stack, cwd);
  const args = [
    'logs',
    ...(options.follow ? ['--follow'] : []),
    ...(options.tail ? ['--tail', options.tail] : []),
    ...services,
  ];
  const result = await project.run(args, { stdio: 'inherit' });
  if (result.exitCode !== 0 && !result.isTerminated)
    throw new OperationError(`docker compose logs failed (exit code ${result.exitCode})`);
}

/** target: swarm: `docker service logs` of each service (its tasks on every node), one after another. */
async function swarmLogs(stack: Stack, services: string[], options: LogsOptions): Promise<void> {
  const chosen = services.length ? services : stack.services.map((s) => s.name);
  if (options.follow && chosen.length !== 1)
    throw new UsageError('on a swarm, --follow takes one service: "stackgen logs <service> --follow"');
  await assertSwarmManager(stack);
  for (const service of chosen) {
    const exitCode = await serviceLogs(`${stack.name}_${service}`, options);
    if (exitCode !== 0 && exitCode !== null)
      throw new OperationError(`docker service logs ${stack.name}_${service} failed (exit code ${exitCode})`);
  }
}

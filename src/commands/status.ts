/**
 * `stackgen status [STACK] [--json]`: each service's state, health and published ports. Works when
 * nothing runs. The JSON shape (StatusReport) is stable and documented in the README.
 */
import { preflightDocker } from '../docker/cli.js';
import {
  ComposeProject,
  type PublishedPort,
  type ServiceHealth,
  type ServiceState,
} from '../docker/compose.js';
import type { CommandContext } from '../io.js';
import { projectServices, SERVICE_NAMES } from '../model/normalize.js';
import { probeCollector } from '../components/collector/health.js';
import { describeState, isUp } from '../runtime/progress.js';
import { describeLeftover, leftoverProjects } from '../runtime/leftover-projects.js';
import { selectStack } from '../runtime/select-stack.js';
import { assertSwarmManager, converged, stackServices, type SwarmService } from '../runtime/swarm.js';
import type { Stack } from '../model/normalize.js';

export interface ServiceStatus {
  service: string;
  image: string;
  /** A step that runs to completion (exit 0) before the services that need it, instead of staying up. */
  oneShot: boolean;
  /** A Docker container state, or "not created". */
  state: ServiceState;
  /** The exit code of a container that stopped, else null. */
  exitCode: number | null;
  health: ServiceHealth;
  /** "docker" (the compose healthcheck), "probe" (stackgen asked the health endpoint) or null. */
  healthSource: 'docker' | 'probe' | null;
  container: string | null;
  ports: PublishedPort[];
}

export interface StatusReport {
  stack: string;
  file: string;
  project: string;
  /**
   * "running": every service runs (and every one-shot step completed); "starting": not yet, but nothing
   * failed (containers wait for their dependencies or their health check); "partial": some run; "stopped":
   * containers exist, none runs; "not created".
   */
  state: 'running' | 'starting' | 'partial' | 'stopped' | 'not created';
  services: ServiceStatus[];
  /** With target: swarm, the stack's services on the swarm, instead of `services` (then empty). */
  swarm?: Pick<SwarmService, 'service' | 'mode' | 'replicas' | 'tasks' | 'update'>[];
}

export interface StatusOptions extends CommandContext {
  stack: string | undefined;
  json: boolean;
}

export async function status(options: StatusOptions): Promise<StatusReport> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'status', options.invokedIn);
  if (stack.target === 'swarm') return swarmStatus(options, stack);
  const project = new ComposeProject(await preflightDocker(), stack, cwd);
  const containers = await project.ps();
  const services: ServiceStatus[] = [];
  for (const { name: service, image, oneShot } of projectServices(stack)) {
    const c = containers.find((x) => x.service === service);
    const entry: ServiceStatus = {
      service,
      image,
      oneShot,
      state: c?.state ?? 'not created',
      exitCode: c && c.state === 'exited' ? c.exitCode : null,
      health: c?.health ?? 'none',
      healthSource: c && c.health !== 'none' ? 'docker' : null,
      container: c?.container ?? null,
      ports: c?.ports ?? [],
    };
    if (service === SERVICE_NAMES.collector && c?.state === 'running') {
      const probe = await probeCollector(project);
      if (probe)
        Object.assign(entry, { health: probe.healthy ? 'healthy' : 'unhealthy', healthSource: 'probe' });
    }
    services.push(entry);
  }
  const running = services.filter((s) => isUp(s, { ...s, exitCode: s.exitCode ?? 0 })).length;
  const report: StatusReport = {
    stack: stack.name,
    file: stack.sourceFile,
    project: stack.name,
    state:
      running === services.length
        ? 'running'
        : isStarting(services)
          ? 'starting'
          : running > 0
            ? 'partial'
            : containers.length
              ? 'stopped'
              : 'not created',
    services,
  };
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else printStatus(options, report);
  for (const leftover of await leftoverProjects(cwd)) io.err(describeLeftover(leftover));
  return report;
}

/** target: swarm: each service of the stack with its tasks' nodes and states, from the swarm manager. */
async function swarmStatus(options: StatusOptions, stack: Stack): Promise<StatusReport> {
  const { io } = options;
  await assertSwarmManager(stack);
  const services = await stackServices(stack.name);
  const report = {
    stack: stack.name,
    file: stack.sourceFile,
    project: stack.name,
    state:
      services.length === 0
        ? ('not created' as const)
        : services.every(converged)
          ? ('running' as const)
          : ('partial' as const),
    services: [],
    // The fields the README documents; up's own (what failed, when an update started) stay out.
    swarm: services.map(({ service, mode, replicas, tasks, update }) => ({
      service,
      mode,
      replicas,
      tasks,
      update,
    })),
  };
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else {
    io.out(`${stack.name} (${stack.sourceFile}) on the swarm: ${report.state}`);
    for (const s of services)
      io.out(
        `  ${s.service.padEnd(16)} ${s.replicas.padEnd(22)} ${s.tasks.map((t) => `${t.node}: ${t.state}`).join(', ')}`,
      );
  }
  return report;
}

/** Some container is on its way up (created, or running with its health check pending), none failed. */
function isStarting(services: ServiceStatus[]): boolean {
  const failed = services.some(
    (s) => (s.state === 'exited' && s.exitCode !== 0) || s.state === 'dead' || s.health === 'unhealthy',
  );
  const coming = services.some(
    (s) => s.state === 'created' || (s.state === 'running' && s.health === 'starting'),
  );
  return coming && !failed;
}

function printStatus({ io }: StatusOptions, report: StatusReport): void {
  const summary = {
    running: 'running',
    starting: 'starting (run "stackgen status" again, or "stackgen up" to wait for it)',
    partial: 'partly running',
    stopped: 'stopped',
    'not created': 'not running ("stackgen up" starts it)',
  }[report.state];
  io.out(`${report.stack} (${report.file}): ${summary}`);
  const rows = report.services.map((s) => [
    s.service,
    s.state === 'not created' ? 'not created' : describeState({ ...s, exitCode: s.exitCode ?? 0 }, s.oneShot),
    s.ports.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}`).join(', '),
  ]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length), i ? 5 : 7));
  io.out(`  ${'SERVICE'.padEnd(widths[0]!)}  ${'STATE'.padEnd(widths[1]!)}  PORTS`);
  for (const [service, state, ports] of rows)
    io.out(`  ${service!.padEnd(widths[0]!)}  ${state!.padEnd(widths[1]!)}  ${ports}`);
}

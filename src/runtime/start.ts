/**
 * Starting a checked stack: `docker compose up -d --wait` with each service's progress shown, the
 * collector's health asked by stackgen (compose cannot see it), and, when it does not come up, which
 * service failed, its state, health and last log lines; then its containers are removed unless kept.
 */
import { backendOf } from '../backends/index.js';
import type { ComposeProject, ContainerState } from '../docker/compose.js';
import { firstLine } from '../docker/cli.js';
import { OperationError } from '../errors.js';
import type { Io } from '../io.js';
import { takeOverInterrupts } from '../lock.js';
import { projectServices, SERVICE_NAMES, type Stack } from '../model/normalize.js';
import { waitForCollector } from '../components/collector/health.js';
import { describeState, isUp, Progress } from './progress.js';

export interface StartOptions {
  io: Io;
  /** Seconds to wait for every service to be running and healthy. */
  waitTimeout: number;
  /** Leave a stack that failed to start as it is, for inspection, instead of removing its containers. */
  keepOnFailure: boolean;
}

/** The open-files limit the stack's backend asks the engine for (ClickHouse's, on SigNoz), if any. */
export function openFilesOf(stack: Stack) {
  return backendOf(stack.backend).openFiles?.(stack[stack.backend]);
}

/** What to do when the engine refuses that open-files limit; undefined when the stack asks for none. */
export function ulimitAdvice(stack: Stack): string | undefined {
  const wants = openFilesOf(stack);
  if (!wants) return undefined;
  return `The Docker engine refuses ${wants.what}'s open-files limit of ${wants.limit} (${wants.key}): lower it to what the engine allows, or raise the engine's own limit (LimitNOFILE in docker.service; Debian's allows 1048576).`;
}

export async function startAndWait(
  project: ComposeProject,
  options: StartOptions,
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
  const giveBackInterrupts = takeOverInterrupts();
  // Compose's --wait-timeout bounds only its last phase, not waiting on depends_on healthchecks.
  const deadline = setTimeout(stop('timeout'), options.waitTimeout * 1000);
  // Progress from compose's own account of each container ("--progress plain"), not from asking the engine
  // while compose works: a "docker ps" every second made up about 0.35 s slower on two cores.
  const seen = new ComposeEvents(project.stack.name);
  child.all?.on('data', (chunk: Buffer) => {
    if (!stopped && seen.read(String(chunk))) progress.update(seen.states());
  });
  let result: Awaited<typeof child>;
  try {
    result = await child;
  } finally {
    clearTimeout(deadline);
    process.removeListener('SIGINT', onInterrupt);
    giveBackInterrupts();
  }
  const exitedWell = result.exitCode === 0 && !stopped;
  // The final states, and the collector's health (compose cannot see it), asked at once.
  const [states, probe] = await Promise.all([
    project.ps(),
    exitedWell
      ? waitForCollector(project, Math.max(started + options.waitTimeout * 1000, Date.now() + 10_000))
      : undefined,
  ]);
  progress.update(states);
  if (stopped === 'interrupted') {
    throw new OperationError(
      `stopped waiting (interrupted). Containers already started keep running: "stackgen status ${project.stack.name}" shows them, "stackgen down ${project.stack.name}" removes them.`,
    );
  }
  if (exitedWell) {
    if (!probe || probe.healthy) {
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
  options: StartOptions,
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
  const advice = ulimitAdvice(stack);
  if (/rlimit|ulimit/i.test(composeOutput) && advice) lines.push(`  ${advice}`);
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

/**
 * Each container's state as compose reports it with --progress plain (" Container <project>-<service>-1
 * Started"), for the progress lines while it works; the states after it come from the engine.
 */
export class ComposeEvents {
  private readonly byService = new Map<string, ContainerState>();
  private rest = '';

  constructor(private readonly project: string) {}

  /** Takes more of compose's output; whether a state changed. */
  read(text: string): boolean {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop() ?? '';
    let changed = false;
    for (const line of lines) {
      const match = /^\s*Container (\S+)\s+(\w+)\s*$/.exec(line);
      const container = match?.[1] ?? '';
      if (!match || !container.startsWith(`${this.project}-`)) continue;
      const service = container.slice(this.project.length + 1).replace(/-\d+$/, '');
      const state = EVENT_STATES[match[2]!];
      if (!state) continue;
      this.byService.set(service, { service, container, exitCode: 0, ports: [], ...state });
      changed = true;
    }
    return changed;
  }

  states(): ContainerState[] {
    return [...this.byService.values()];
  }
}

/** What compose's words say of a container; "Waiting" (on another) and the rest change nothing. */
const EVENT_STATES: Record<string, Pick<ContainerState, 'state' | 'health'>> = {
  Created: { state: 'created', health: 'none' },
  Started: { state: 'running', health: 'starting' },
  Healthy: { state: 'running', health: 'healthy' },
  Exited: { state: 'exited', health: 'none' },
};

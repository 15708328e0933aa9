/**
 * Per-service progress while compose brings the stack up: on a terminal, one line per service redrawn in
 * place; otherwise a plain line each time a service changes state.
 */
import type { ContainerState } from '../docker/compose.js';
import type { Io } from '../io.js';
import type { StackService } from '../model/normalize.js';

/** Whether a service is where it should be: a one-shot step finished well, anything else runs healthy. */
export function isUp(
  service: Pick<StackService, 'oneShot'>,
  state: Pick<ContainerState, 'state' | 'health' | 'exitCode'> | undefined,
): boolean {
  if (!state) return false;
  if (service.oneShot) return state.state === 'exited' && state.exitCode === 0;
  return state.state === 'running' && state.health !== 'unhealthy' && state.health !== 'starting';
}

export function describeState(
  state: Pick<ContainerState, 'state' | 'health' | 'exitCode'> | undefined,
  oneShot = false,
): string {
  if (!state) return 'waiting';
  if (state.state === 'exited' && oneShot && state.exitCode === 0) return 'completed';
  if (state.state === 'exited') return `exited (code ${state.exitCode})`;
  if (state.state === 'created') return 'created, not started (waits for its dependencies)';
  if (state.state !== 'running') return state.state;
  return state.health === 'none'
    ? 'running'
    : state.health === 'starting'
      ? 'running, health: starting'
      : state.health;
}

export class Progress {
  private readonly last = new Map<string, string>();
  private drawn = 0;

  constructor(
    private readonly io: Io,
    private readonly services: Pick<StackService, 'name' | 'oneShot'>[],
  ) {}

  update(states: ContainerState[]): void {
    const lines = this.services.map(
      ({ name, oneShot }) =>
        [
          name,
          describeState(
            states.find((s) => s.service === name),
            oneShot,
          ),
        ] as const,
    );
    if (this.io.interactive && this.io.write) {
      const width = Math.max(...this.services.map((s) => s.name.length));
      const block = lines.map(([s, d]) => `\x1b[2K  ${s.padEnd(width)}  ${d}\n`).join('');
      this.io.write(`${this.drawn ? `\x1b[${this.drawn}A` : ''}${block}`);
      this.drawn = lines.length;
      return;
    }
    for (const [service, description] of lines) {
      if (this.last.get(service) === description) continue;
      this.last.set(service, description);
      this.io.err(`  ${service}: ${description}`);
    }
  }
}

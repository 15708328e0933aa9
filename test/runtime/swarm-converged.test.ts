/** When `up` counts a swarm service as converged, from what `docker stack services` and `service inspect` say. */
import { describe, expect, it } from 'vitest';
import { converged, type SwarmService } from '../../src/runtime/swarm.js';

const service = (replicas: string, update = ''): SwarmService => ({
  service: 'otel-collector',
  mode: 'replicated',
  replicas,
  tasks: [],
  update,
  updateStarted: '',
  updateMessage: '',
});

describe('a converged swarm service', () => {
  it('runs as many tasks as it wants, also with a limit per node (host-mode ports)', () => {
    expect(converged(service('2/2'))).toBe(true);
    expect(converged(service('1/1 (max 1 per node)'))).toBe(true);
    expect(converged(service('0/1 (max 1 per node)'))).toBe(false);
    expect(converged(service('1/2'))).toBe(false);
    expect(converged(service('0/0'))).toBe(false);
  });

  it('is a job whose tasks all completed', () => {
    expect(converged(service('0/1 (1/1 completed)'))).toBe(true);
    expect(converged(service('1/1 (0/1 completed)'))).toBe(false);
  });

  it('has no rolling update under way or stuck', () => {
    expect(converged(service('1/1', 'updating'))).toBe(false);
    expect(converged(service('1/1', 'paused'))).toBe(false);
    expect(converged(service('1/1', 'completed'))).toBe(true);
    expect(converged(service('1/1', 'rollback_completed'))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { parsePs } from '../../src/docker/compose.js';
import { describeState, isUp, Progress } from '../../src/runtime/progress.js';
import { captureIo } from '../helpers/testdir.js';

const entry = {
  Service: 'jaeger',
  Name: 'x-jaeger-1',
  State: 'running',
  Health: 'healthy',
  ExitCode: 0,
  Publishers: [],
};

describe('reading docker compose ps', () => {
  it('reads one object per line (newer Compose) and one array (older Compose)', () => {
    expect(
      parsePs(`${JSON.stringify(entry)}\n${JSON.stringify({ ...entry, Service: 'grafana' })}\n`).map(
        (e) => e.Service,
      ),
    ).toEqual(['jaeger', 'grafana']);
    expect(parsePs(JSON.stringify([entry])).map((e) => e.Service)).toEqual(['jaeger']);
    expect(parsePs('')).toEqual([]);
  });
});

describe('whether a service is up', () => {
  const state = (s: string, health = 'none', exitCode = 0) => ({ state: s, health, exitCode }) as never;
  it('wants a one-shot step completed with exit 0, and anything else running and not unhealthy', () => {
    expect(isUp({ oneShot: true }, state('exited'))).toBe(true);
    expect(isUp({ oneShot: true }, state('exited', 'none', 1))).toBe(false);
    expect(isUp({ oneShot: true }, state('running'))).toBe(false);
    expect(isUp({ oneShot: false }, state('running'))).toBe(true);
    expect(isUp({ oneShot: false }, state('running', 'healthy'))).toBe(true);
    expect(isUp({ oneShot: false }, state('running', 'starting'))).toBe(false);
    expect(isUp({ oneShot: false }, state('exited'))).toBe(false);
    expect(isUp({ oneShot: false }, undefined)).toBe(false);
  });
});

describe('progress', () => {
  const state = (service: string, state: string, health = 'none', exitCode = 0) =>
    ({ service, container: '', state, health, exitCode, ports: [] }) as never;

  it('describes states in words', () => {
    expect(describeState(undefined)).toBe('waiting');
    expect(describeState(state('a', 'created'))).toBe('created, not started (waits for its dependencies)');
    expect(describeState(state('a', 'running', 'starting'))).toBe('running, health: starting');
    expect(describeState(state('a', 'running', 'healthy'))).toBe('healthy');
    expect(describeState(state('a', 'exited', 'none', 3))).toBe('exited (code 3)');
    expect(describeState(state('a', 'exited', 'none', 0), true)).toBe('completed');
    expect(describeState(state('a', 'exited', 'none', 1), true)).toBe('exited (code 1)');
  });

  it('prints a plain line per change when not on a terminal', () => {
    const io = captureIo();
    const progress = new Progress(io, [
      { name: 'jaeger', oneShot: false },
      { name: 'grafana', oneShot: false },
    ]);
    progress.update([state('jaeger', 'running', 'starting')]);
    progress.update([state('jaeger', 'running', 'starting')]);
    progress.update([state('jaeger', 'running', 'healthy'), state('grafana', 'created')]);
    expect(io.stderr).toEqual([
      '  jaeger: running, health: starting',
      '  grafana: waiting',
      '  jaeger: healthy',
      '  grafana: created, not started (waits for its dependencies)',
    ]);
  });

  it('redraws one line per service in place on a terminal', () => {
    const written: string[] = [];
    const io = { ...captureIo(), interactive: true, write: (t: string) => written.push(t) };
    const progress = new Progress(io, [
      { name: 'jaeger', oneShot: false },
      { name: 'grafana', oneShot: false },
    ]);
    progress.update([]);
    progress.update([state('jaeger', 'running', 'healthy')]);
    expect(written[0]).toBe('\x1b[2K  jaeger   waiting\n\x1b[2K  grafana  waiting\n');
    expect(written[1]).toBe('\x1b[2A\x1b[2K  jaeger   healthy\n\x1b[2K  grafana  waiting\n');
  });
});

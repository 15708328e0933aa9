import { describe, expect, it } from 'vitest';
import { parsePorts, parsePsLine } from '../../src/docker/compose.js';
import { describeState, isUp, Progress } from '../../src/runtime/progress.js';
import { captureIo } from '../helpers/testdir.js';

describe('reading docker ps', () => {
  const line = (...fields: string[]) => fields.join('\t');

  it('reads service, state, health and exit code', () => {
    expect(parsePsLine(line('jaeger', 'obs-jaeger-1', 'running', 'Up 2 minutes (healthy)', ''))).toEqual({
      service: 'jaeger',
      container: 'obs-jaeger-1',
      state: 'running',
      health: 'healthy',
      exitCode: 0,
      ports: [],
    });
    const health = (status: string) => parsePsLine(line('a', 'b', 'running', status, '')).health;
    expect(health('Up 5 seconds (health: starting)')).toBe('starting');
    expect(health('Up 1 second (unhealthy)')).toBe('unhealthy');
    expect(health('Up 3 hours')).toBe('none');
    const exited = parsePsLine(
      line('tempo-init', 'obs-tempo-init-1', 'exited', 'Exited (3) 4 seconds ago', ''),
    );
    expect([exited.state, exited.exitCode]).toEqual(['exited', 3]);
    expect(parsePsLine(line('grafana', 'obs-grafana-1', 'created', 'Created', '')).state).toBe('created');
  });

  it('reads published ports, ranges Docker compacts and IPv6, leaving out ports not published', () => {
    expect(
      parsePorts(
        '127.0.0.1:24317-24318->4317-4318/tcp, 127.0.0.1:23133->13133/tcp, 8888/tcp, [::1]:9090->9090/tcp, :::3000->3000/tcp',
      ),
    ).toEqual([
      { hostIp: '127.0.0.1', hostPort: 24317, containerPort: 4317, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 24318, containerPort: 4318, protocol: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 23133, containerPort: 13133, protocol: 'tcp' },
      { hostIp: '::1', hostPort: 9090, containerPort: 9090, protocol: 'tcp' },
      { hostIp: '::', hostPort: 3000, containerPort: 3000, protocol: 'tcp' },
    ]);
    expect(parsePorts('')).toEqual([]);
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

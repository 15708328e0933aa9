/**
 * Which engine the API is asked on: only the local socket the docker CLI itself would use. No engine is
 * needed here (the answers' agreement with the CLI's is checked on the real engine in
 * test/integration/engine-api.test.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiGet, engineSocket } from '../../src/docker/api.js';
import { preflightDocker } from '../../src/docker/cli.js';

const KEYS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG'] as const;
let saved: Record<string, string | undefined>;
let config: string;

beforeEach(async () => {
  saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const key of KEYS) delete process.env[key];
  config = await mkdtemp(path.join(tmpdir(), 'stackgen-docker-config-'));
  process.env.DOCKER_CONFIG = config;
});

afterEach(async () => {
  for (const key of KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
  await rm(config, { recursive: true, force: true });
});

describe('the engine socket asked directly', () => {
  it('is the default socket without DOCKER_HOST, context or config', () => {
    expect(engineSocket()).toBe('/var/run/docker.sock');
  });

  it('follows DOCKER_HOST when it names a unix socket, and leaves any other host to the CLI', () => {
    process.env.DOCKER_HOST = 'unix:///run/user/1000/docker.sock';
    expect(engineSocket()).toBe('/run/user/1000/docker.sock');
    for (const host of ['tcp://10.0.0.5:2376', 'ssh://me@build-box', 'unix://']) {
      process.env.DOCKER_HOST = host;
      expect(engineSocket()).toBeUndefined();
    }
  });

  it('leaves contexts to the CLI, from DOCKER_CONTEXT or config.json, but DOCKER_HOST wins as in the CLI', async () => {
    process.env.DOCKER_CONTEXT = 'desktop-linux';
    expect(engineSocket()).toBeUndefined();
    process.env.DOCKER_CONTEXT = 'default';
    expect(engineSocket()).toBe('/var/run/docker.sock');
    delete process.env.DOCKER_CONTEXT;
    await writeFile(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
    expect(engineSocket()).toBeUndefined();
    process.env.DOCKER_HOST = 'unix:///var/run/docker.sock';
    expect(engineSocket()).toBe('/var/run/docker.sock');
  });

  it('leaves a config.json that is not JSON to the CLI, which explains it', async () => {
    await writeFile(path.join(config, 'config.json'), '{ "currentContext": ');
    expect(engineSocket()).toBeUndefined();
  });

  it('gives no answer, rather than failing, when nothing listens on the socket', async () => {
    process.env.DOCKER_HOST = `unix://${path.join(config, 'nothing.sock')}`;
    expect(await apiGet('/info')).toBeUndefined();
  });

  it('words a silent engine through the CLI, whatever config.json holds beside what it reads', async () => {
    // The real docker CLI (no engine needed): the API's socket does not answer, so the CLI is asked.
    process.env.DOCKER_HOST = `unix://${path.join(config, 'nothing.sock')}`;
    await writeFile(path.join(config, 'config.json'), JSON.stringify({ cliPluginsExtraDirs: 5 }));
    await expect(preflightDocker()).rejects.toThrow(
      `the Docker engine at ${process.env.DOCKER_HOST} does not answer`,
    );
  });
});

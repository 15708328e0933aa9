/**
 * The engine's questions that only read are asked of its API on the local socket (src/docker/api.ts) when
 * the docker CLI would use that socket, and of the CLI otherwise. Both ways must give the same answers:
 * each verb is asked both ways here, of the same real engine and the same objects.
 *
 * Real: the engine, the docker CLI, the compose plugin, a Docker context (made in a config folder of the
 * test's own) that points the CLI at the same socket, so the CLI's way is taken. A `docker` in front of
 * the real one on the PATH records every run, to tell which way answered. The container runs the busybox
 * stand-in image (standins/README.md).
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightDocker } from '../../src/docker/cli.js';
import { ComposeProject } from '../../src/docker/compose.js';
import {
  absentImages,
  absentNetworks,
  composeProjectsOnEngine,
  containerIds,
  containersPublishing,
  inspectContainers,
  projectVolumes,
} from '../../src/docker/engine.js';
import type { Stack } from '../../src/model/normalize.js';
import { createProject, sameEngineContext, stackgenIn } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const NAME = 'sgapi';
const LABELS = [
  `com.docker.compose.project=${NAME}`,
  'com.docker.compose.oneoff=False',
  `com.docker.compose.project.config_files=/srv/${NAME}/compose.yaml`,
];
const VOLUMES = [`${NAME}-data`, `${NAME}-z`, `${NAME}-a`, `${NAME}-m`];
let folder: string;
let log: string;
let env: { path?: string; config?: string };

const docker = (...args: string[]) => execa('docker', args);

beforeAll(async () => {
  await buildStandins();
  folder = await mkdtemp(path.join(tmpdir(), 'stackgen-engine-api-'));
  log = path.join(folder, 'docker.log');
  const realDocker = (await execa('sh', ['-c', 'command -v docker'])).stdout;
  await writeFile(path.join(folder, 'docker'), `#!/bin/sh\necho "$*" >> ${log}\nexec ${realDocker} "$@"\n`, {
    mode: 0o755,
  });
  const config = await sameEngineContext(folder, 'sgapi-cli');
  env = { path: `${folder}:${process.env.PATH}`, config };

  await docker('network', 'create', `${NAME}-net`);
  // Several, so an order the engine happens to keep is unlikely.
  for (const volume of VOLUMES) {
    const identity = volume === `${NAME}-data` ? ['--label', 'dev.stackgen.identity=abc'] : [];
    await docker('volume', 'create', '--label', LABELS[0]!, ...identity, volume);
  }
  const labelled = (service: string) =>
    [...LABELS, `com.docker.compose.service=${service}`].flatMap((l) => ['--label', l]);
  await docker(
    'run',
    '-d',
    '--name',
    `${NAME}-web-1`,
    ...labelled('web'),
    '--network',
    `${NAME}-net`,
    '-p',
    '127.0.0.1:24990:8080',
    '-p',
    '127.0.0.1:24991-24992:9001-9002',
    '--expose',
    '8888',
    STANDINS.busybox,
    'sleep',
    '600',
  );
  await docker(
    'run',
    '--name',
    `${NAME}-init-1`,
    ...labelled('init'),
    STANDINS.busybox,
    'sh',
    '-c',
    'exit 3',
  ).catch(() => undefined);
});

afterAll(async () => {
  await execa('docker', ['rm', '-f', `${NAME}-web-1`, `${NAME}-init-1`], { reject: false });
  await execa('docker', ['volume', 'rm', ...VOLUMES], { reject: false });
  await execa('docker', ['network', 'rm', `${NAME}-net`], { reject: false });
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The question asked with DOCKER_CONTEXT (or without), the docker CLI's runs it made. */
async function ask<T>(
  question: () => Promise<T>,
  context?: string,
): Promise<{ answer: T; cliRuns: string[] }> {
  const saved = { PATH: process.env.PATH, DOCKER_CONFIG: process.env.DOCKER_CONFIG };
  await writeFile(log, '');
  Object.assign(process.env, { PATH: env.path, DOCKER_CONFIG: env.config });
  if (context) process.env.DOCKER_CONTEXT = context;
  try {
    const answer = await question();
    return { answer, cliRuns: (await readFile(log, 'utf8')).split('\n').filter(Boolean) };
  } finally {
    delete process.env.DOCKER_CONTEXT;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Asked through the API (no docker CLI run) and through the CLI (a context: runs it); both answers. */
async function bothWays<T>(question: () => Promise<T>): Promise<[T, T]> {
  const api = await ask(question);
  expect(api.cliRuns).toEqual([]);
  const cli = await ask(question, 'sgapi-cli');
  expect(cli.cliRuns.length).toBeGreaterThan(0);
  return [api.answer, cli.answer];
}

describe('the engine API and the docker CLI give the same answers', () => {
  it('about the engine and compose', async () => {
    const [api, cli] = await bothWays(preflightDocker);
    expect(api.host).toBe('unix:///var/run/docker.sock');
    expect(cli.host).toBe('context sgapi-cli');
    expect({ ...api, host: '' }).toEqual({ ...cli, host: '' });
    expect(api.composeVersion).toMatch(/^2\./);
    expect(api.memTotal).toBeGreaterThan(0);
  });

  it("about a compose project's containers: state, health, exit code, published ports", async () => {
    const project = new ComposeProject(await preflightDocker(), { name: NAME } as Stack, folder);
    const [api, cli] = await bothWays(() => project.ps());
    expect(api).toEqual(cli);
    const port = (hostPort: number, containerPort: number) => ({
      hostIp: '127.0.0.1',
      hostPort,
      containerPort,
      protocol: 'tcp',
    });
    expect(api).toEqual([
      {
        service: 'init',
        container: `${NAME}-init-1`,
        state: 'exited',
        health: 'none',
        exitCode: 3,
        ports: [],
      },
      {
        service: 'web',
        container: `${NAME}-web-1`,
        state: 'running',
        health: 'none',
        exitCode: 0,
        ports: [port(24990, 8080), port(24991, 9001), port(24992, 9002)],
      },
    ]);
  });

  it('about containers by label, their inspection, and who publishes a port', async () => {
    const [all, allCli] = await bothWays(() => containerIds([LABELS[0]!], { all: true }));
    // The CLI prints ids shortened.
    expect(all.map((id) => id.slice(0, 12)).sort()).toEqual([...allCli].sort());
    expect(all).toHaveLength(2);
    const [running] = await bothWays(() => containerIds([LABELS[0]!]));
    expect(running).toHaveLength(1);

    type Inspected = {
      Name: string;
      State: { Status: string; ExitCode: number };
      Config: { Labels: object };
    };
    const [api, cli] = await bothWays(() => inspectContainers<Inspected>(all));
    expect(api).toEqual(cli);
    expect(api.map((c) => [c.Name, c.State.Status, c.State.ExitCode]).sort()).toEqual([
      [`/${NAME}-init-1`, 'exited', 3],
      [`/${NAME}-web-1`, 'running', 0],
    ]);
    // A container gone since it was listed: the API leaves it out, the CLI's inspect fails as a whole.
    const [withGone] = await bothWays(() => inspectContainers<Inspected>([...all, 'sgapi-gone-1']));
    expect(withGone).toHaveLength(2);

    expect(await bothWays(() => containersPublishing(24991))).toEqual([[`${NAME}-web-1`], [`${NAME}-web-1`]]);
    expect(await bothWays(() => containersPublishing(24993))).toEqual([[], []]);
  });

  it('about compose projects, volumes, networks and images', async () => {
    const [projects, projectsCli] = await bothWays(composeProjectsOnEngine);
    expect(projects).toEqual(projectsCli);
    expect(projects).toContainEqual({ project: NAME, file: `/srv/${NAME}/compose.yaml` });

    const [volumes, volumesCli] = await bothWays(() => projectVolumes(NAME, 'dev.stackgen.identity'));
    expect(volumes).toEqual(volumesCli);
    // By name, as the CLI lists them.
    expect(volumes).toEqual([
      { name: `${NAME}-a`, value: '' },
      { name: `${NAME}-data`, value: 'abc' },
      { name: `${NAME}-m`, value: '' },
      { name: `${NAME}-z`, value: '' },
    ]);

    const networks = [`${NAME}-net`, `${NAME}-none`];
    expect(await bothWays(() => absentNetworks(networks))).toEqual([
      new Set([`${NAME}-none`]),
      new Set([`${NAME}-none`]),
    ]);

    const images = [STANDINS.busybox, 'stackgen-standin/none:test', 'localhost:5000/team/none:1'];
    const absent = new Set(images.slice(1));
    expect(await bothWays(() => absentImages(images))).toEqual([absent, absent]);
  });
});

describe("the Compose plugin's version", () => {
  it('is asked of the plugin once, and again only when its file changes', async () => {
    // The built CLI (only a build keeps a cache), a project with a stack not running, and a plugin in the
    // CLI's config folder (found there first) that records each metadata run before running the real one.
    const project = await createProject({ 'stacks/sgapi.yaml': 'name: sgapi\nbackend: jaeger\n' });
    const config = path.join(project, 'docker-config');
    const runs = path.join(project, 'metadata.log');
    await mkdir(path.join(config, 'cli-plugins'), { recursive: true });
    const plugin = path.join(config, 'cli-plugins', 'docker-compose');
    const real = (
      await docker(
        'info',
        '--format',
        '{{range .ClientInfo.Plugins}}{{if eq .Name "compose"}}{{.Path}}{{end}}{{end}}',
      )
    ).stdout;
    await writeFile(
      plugin,
      `#!/bin/sh\n[ "$1" = docker-cli-plugin-metadata ] && echo run >> ${runs}\nexec ${real} "$@"\n`,
      { mode: 0o755 },
    );
    const env = { DOCKER_CONFIG: config, XDG_CACHE_HOME: path.join(project, 'cache') };
    const status = async () => {
      await writeFile(runs, '');
      const result = await stackgenIn(project)(['status'], env);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      return (await readFile(runs, 'utf8')).split('\n').filter(Boolean).length;
    };
    try {
      expect((await stackgenIn(project)(['generate'])).exitCode).toBe(0);
      expect(await status()).toBe(1);
      expect(await status()).toBe(0);
      const later = new Date(Date.now() + 5000);
      await utimes(plugin, later, later);
      expect(await status()).toBe(1);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});

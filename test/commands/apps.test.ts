/**
 * Connecting real applications (issue #12), through the CLI: the compose network-name trap, apps on this
 * machine, one service from several compose files, the project root found from a subfolder, two stacks
 * on one port. The runtime side (verify --app, host-gateway, joining the right network) is in
 * test/integration/apps.test.ts, on the real engine.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readTree, stackYaml, testdir } from '../helpers/testdir.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/stackgen.js');

function stackgen(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { NO_COLOR: '1', ...env } });
}

const shop = `name: shop
services:
  web:
    image: example/web:1
    networks: [app-network]
networks:
  app-network: {}
`;

describe('the compose network-name trap', () => {
  it('stops with the name Docker gives the app network, and what to write', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'networks:\n  applications:\n    - {name: app-network, external: true}\napps:\n  - service: web\n    composeFile: app/compose.yaml\n',
      ),
      'app/compose.yaml': shop,
    });
    const before = await readTree(dir);
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'stacks/demo.yaml:5:14 networks.applications[0].name: "app-network" is, in app/compose.yaml, the key of a network Docker names "shop_app-network" (compose project "shop"): the stack and web would be on two different networks. Write name: shop_app-network here (external: true, since that project creates it), or give the network name: app-network in app/compose.yaml',
    );
    expect(await readTree(dir)).toEqual(before);
  });

  it('derives the project name as compose does: COMPOSE_PROJECT_NAME, then the folder', async () => {
    const files = {
      'stacks/demo.yaml': stackYaml(
        'networks:\n  applications:\n    - {name: app-network, external: true}\napps:\n  - service: web\n    composeFile: My.App/compose.yaml\n',
      ),
      'My.App/compose.yaml': shop.replace('name: shop\n', ''),
    };
    const byFolder = await stackgen(['validate'], await testdir(files));
    expect(byFolder.stderr).toContain('Docker names "myapp_app-network" (compose project "myapp")');
    const byEnvFile = await stackgen(
      ['validate'],
      await testdir({ ...files, 'My.App/.env': 'COMPOSE_PROJECT_NAME=store\n' }),
    );
    expect(byEnvFile.stderr).toContain('Docker names "store_app-network"');
    const byEnv = await stackgen(['validate'], await testdir(files), { COMPOSE_PROJECT_NAME: 'fromenv' });
    expect(byEnv.stderr).toContain('Docker names "fromenv_app-network"');
  });

  it('joins the app to the real network once, through its own key, when the stack names it right', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'networks:\n  applications:\n    - {name: shop_app-network, external: true}\napps:\n  - service: web\n    composeFile: app/compose.yaml\n',
      ),
      'app/compose.yaml': shop,
    });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const override = parse(await readFile(path.join(dir, 'deploy/demo/apps/web.override.yaml'), 'utf8'));
    expect(Object.keys(override.services.web.networks)).toEqual(['app-network', 'demo-net']);
    const merged = await execa(
      'docker',
      [
        'compose',
        '-f',
        'app/compose.yaml',
        '-f',
        'deploy/demo/apps/web.override.yaml',
        'config',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    const networks = JSON.parse(merged.stdout).networks as Record<string, { name: string }>;
    expect(
      Object.values(networks)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['demo-net', 'shop_app-network']);
  });
});

describe('apps and exporters on this machine', () => {
  it('gives Prometheus host-gateway for host.docker.internal targets', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'prometheus:\n  scrapeJobs:\n    - {name: node, targets: ["host.docker.internal:9100"]}\n',
      ),
    });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const compose = parse(await readFile(path.join(dir, 'deploy/demo/compose.yaml'), 'utf8'));
    expect(compose.services.prometheus.extra_hosts).toEqual(['host.docker.internal:host-gateway']);
    expect(compose.services.grafana.extra_hosts).toBeUndefined();
  });

  it('warns that localhost is Prometheus itself', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'prometheus:\n  scrapeJobs:\n    - {name: node, targets: ["localhost:9100"]}\n',
      ),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      "warning: prometheus.scrapeJobs[0].targets[0]: localhost:9100 is Prometheus' own container; for a program on this machine write host.docker.internal:9100",
    );
  });
});

describe('one service from several compose files', () => {
  it('gets an override file and settings per entry, picked by name', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        `apps:
  - service: web
    name: web-local
    composeFile: app/compose.yaml
    resourceAttributes: {deployment.environment.name: local}
  - service: web
    name: web-prod
    composeFile: app/compose.prod.yaml
    resourceAttributes: {deployment.environment.name: prod}
`,
      ),
      'app/compose.yaml': 'services:\n  web:\n    image: x\n',
      'app/compose.prod.yaml': 'services:\n  web:\n    image: x\n',
    });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    expect(existsSync(path.join(dir, 'deploy/demo/apps/web-local.override.yaml'))).toBe(true);
    const prod = await stackgen(['env', '--app', 'web-prod'], dir);
    expect(prod.stdout).toContain('OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=prod');
    const twice = await stackgen(
      ['validate'],
      await testdir({
        'stacks/demo.yaml': stackYaml('apps:\n  - service: web\n  - service: web\n'),
      }),
    );
    expect(twice.stderr).toContain(
      'apps[1].service: app "web" is listed twice; to connect it from two compose files, give each entry a name of its own',
    );
  });
});

describe('the project root', () => {
  it('is found from a subfolder, as git finds its repository', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    await mkdir(path.join(dir, 'src/deep'), { recursive: true });
    const result = await stackgen(['generate'], path.join(dir, 'src/deep'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'deploy/demo/compose.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, 'src/deep/deploy'))).toBe(false);
    // A stack file named there is relative to where the command runs.
    expect(
      (await stackgen(['validate', '../../stacks/demo.yaml'], path.join(dir, 'src/deep'))).exitCode,
    ).toBe(0);
    // init adds to that project rather than starting a nested one.
    expect(
      (await stackgen(['init', '--backend', 'tempo', '--name', 'other'], path.join(dir, 'src'))).exitCode,
    ).toBe(0);
    expect(existsSync(path.join(dir, 'stacks/other.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, 'src/stacks'))).toBe(false);
  });

  it('stops at the repository it is in', async () => {
    const outer = await testdir({ 'stacks/outer.yaml': stackYaml('', 'outer') });
    const repo = path.join(outer, 'repo');
    await mkdir(repo);
    await execa('git', ['init', '-q'], { cwd: repo });
    const result = await stackgen(['validate'], repo);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no stack files in');
  });
});

describe('two stacks of one project', () => {
  it('get a warning when they publish the same host port', async () => {
    const dir = await testdir({
      'stacks/a.yaml': stackYaml('', 'a'),
      'stacks/b.yaml': stackYaml('exposure:\n  ports:\n    grafana: {ui: 3001}\n', 'b'),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'stacks/b.yaml:5:5 warning: exposure.ports.collector.otlpGrpc: host port 4317 (exposure.ports.collector.otlpGrpc) is also published by stacks/a.yaml (exposure.ports.collector.otlpGrpc), so the two stacks cannot run at the same time',
    );
    expect(result.stderr).not.toContain('3000');
  });
});

/**
 * Extending a stack without forking it (issue #11): the user's own dashboards, rule files and compose files,
 * and patches on generated files; each misuse a located error with nothing written. Through the CLI.
 */
import { execa } from 'execa';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/golden.js';
import { readTree, testdir } from '../helpers/testdir.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/stackgen.js');

function stackgen(args: string[], cwd: string) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { NO_COLOR: '1' } });
}

/** A project with the golden "extended" fixture's files, and a stack file given as text. */
async function project(stack: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await testdir({ 'stacks/demo.yaml': stack, ...files });
  await cp(path.join(ROOT, 'test/fixtures/extended'), path.join(dir, 'team'), { recursive: true });
  return dir;
}

/** Expects exit 2 with `message` located in `where`, and nothing written. */
async function refused(dir: string, where: RegExp | string, message: string) {
  const before = await readTree(dir);
  const result = await stackgen(['generate'], dir);
  expect(result.exitCode, result.stderr).toBe(2);
  expect(result.stderr).toMatch(where);
  expect(result.stderr).toContain(message);
  expect(await readTree(dir)).toEqual(before);
  return result.stderr;
}

const base = 'name: demo\nbackend: jaeger\n';

describe('patches on generated files', () => {
  it('survive a regeneration and an image upgrade', async () => {
    const patch =
      'patches:\n  - file: compose.yaml\n    merge:\n      services:\n        grafana:\n          environment:\n            GF_FEATURE_TOGGLES_ENABLE: traceqlEditor\n';
    const dir = await project(base + patch);
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const again = await stackgen(['generate'], dir);
    expect(again.stdout).toContain('0 written, 0 removed');
    await writeFile(
      path.join(dir, 'stacks/demo.yaml'),
      `${base}images:\n  versions:\n    grafana: 13.2.1\n${patch}`,
    );
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const compose = parse(await readFile(path.join(dir, 'deploy/demo/compose.yaml'), 'utf8'));
    expect(compose.services.grafana.image).toBe('grafana/grafana:13.2.1');
    expect(compose.services.grafana.environment.GF_FEATURE_TOGGLES_ENABLE).toBe('traceqlEditor');
    expect((await stackgen(['generate', '--check'], dir)).exitCode).toBe(0);
  });

  it('keep the comments of the file they change', async () => {
    const dir = await project(
      `${base}patches:\n  - file: collector/config.yaml\n    merge:\n      processors:\n        batch:\n          timeout: 1s\n`,
    );
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const config = await readFile(path.join(dir, 'deploy/demo/collector/config.yaml'), 'utf8');
    expect(config).toContain(
      '  # First in every pipeline: refuses data before the container runs out of memory',
    );
    expect(config).toMatch(/ {2}batch:\n {4}send_batch_size: 8192\n {4}timeout: 1s\n/);
  });

  it('refuse a file the stack does not generate', async () => {
    const dir = await project(`${base}patches:\n  - file: collector/nope.yaml\n    merge: {a: 1}\n`);
    await refused(
      dir,
      /^stacks\/demo\.yaml:4:11 patches\[0\]\.file: /m,
      'collector/nope.yaml is not a file this stack generates (',
    );
  });

  it('refuse files that are not YAML or JSON', async () => {
    const dir = await project(`${base}patches:\n  - file: README.md\n    merge: {a: 1}\n`);
    await refused(dir, /patches\[0\]\.file/, 'README.md is not YAML or JSON; only those can be patched');
  });

  it('refuse an operation on a path that does not exist, located at that operation', async () => {
    const dir = await project(
      `${base}patches:\n  - file: collector/config.yaml\n    jsonPatch:\n      - { op: add, path: /service/pipelines/traces/processors/0, value: x }\n      - { op: remove, path: /service/pipelines/nope }\n`,
    );
    await refused(
      dir,
      /^stacks\/demo\.yaml:7:\d+ patches\[0\]\.jsonPatch\[1\]\.path: /m,
      'collector/config.yaml: /service/pipelines/nope does not exist (no key "nope")',
    );
  });

  it('refuse a failed test operation, at its value', async () => {
    const dir = await project(
      `${base}patches:\n  - file: compose.yaml\n    jsonPatch:\n      - op: test\n        path: /services/grafana/image\n        value: grafana/grafana:12.0.0\n`,
    );
    await refused(
      dir,
      /^stacks\/demo\.yaml:8:16 patches\[0\]\.jsonPatch\[0\]\.value: /m,
      'compose.yaml: test failed: /services/grafana/image is "grafana/grafana:13.2.0", not "grafana/grafana:12.0.0"',
    );
  });

  it("refuse a patch that breaks compose or the collector's pipelines, naming the check", async () => {
    const compose = await project(
      `${base}patches:\n  - file: compose.yaml\n    merge:\n      services:\n        grafana:\n          ports: 3000\n`,
    );
    await refused(
      compose,
      /^stacks\/demo\.yaml:4:5 patches\[0\]: /m,
      "the patched compose.yaml fails stackgen's checks: /services/grafana/ports",
    );
    const collector = await project(
      `${base}patches:\n  - file: collector/config.yaml\n    jsonPatch:\n      - { op: remove, path: /processors/batch }\n`,
    );
    await refused(
      collector,
      /patches\[0\]/,
      'the patched collector/config.yaml fails stackgen\'s checks: service.pipelines.traces.processors: "batch" is not declared under processors',
    );
  });

  it('need merge or jsonPatch, not both', async () => {
    const dir = await project(
      `${base}patches:\n  - file: compose.yaml\n    merge: {a: 1}\n    jsonPatch: [{op: remove, path: /a}]\n`,
    );
    await refused(dir, /patches\[0\]/, 'needs either merge or jsonPatch (one of them)');
  });
});

describe("the user's own dashboards", () => {
  it('are refused when not JSON, located in the file', async () => {
    const dir = await project(`${base}grafana:\n  extraDashboards: [mine.json]\n`, {
      'mine.json': '{\n  "uid": "x",\n  "title": \n}\n',
    });
    await refused(dir, /^mine\.json:4:1 /m, 'is not valid JSON: value expected');
  });

  it('are refused with a uid of a built-in dashboard, at the uid', async () => {
    const dir = await project(`${base}grafana:\n  extraDashboards: [mine.json]\n`, {
      'mine.json': JSON.stringify({ uid: 'demo-red', title: 'Mine', panels: [] }, null, 2),
    });
    await refused(
      dir,
      /^mine\.json:2:10 uid: /m,
      '"demo-red" is also the uid of the built-in "red" dashboard',
    );
  });

  it('are refused when exported for sharing (${DS_…} placeholders)', async () => {
    const dir = await project(`${base}grafana:\n  extraDashboards: [mine.json]\n`, {
      'mine.json': JSON.stringify(
        {
          __inputs: [{ name: 'DS_PROMETHEUS', type: 'datasource' }],
          uid: 'mine',
          title: 'Mine',
          panels: [{ id: 1, datasource: { uid: '${DS_PROMETHEUS}' } }],
        },
        null,
        2,
      ),
    });
    const stderr = await refused(
      dir,
      /^mine\.json:2:\d+ __inputs: /m,
      'was exported "for sharing externally"',
    );
    expect(stderr).toMatch(
      /^mine\.json:\d+:\d+ panels\[0\]\.datasource\.uid: "\$\{DS_PROMETHEUS\}" is a placeholder/m,
    );
  });

  it('are refused with a datasource the stack does not provision, with a hint', async () => {
    const dir = await project(`${base}grafana:\n  extraDashboards: [mine.json]\n`, {
      'mine.json': JSON.stringify(
        { uid: 'mine', title: 'Mine', panels: [{ id: 1, datasource: 'Prometheuss' }] },
        null,
        2,
      ),
    });
    await refused(
      dir,
      /^mine\.json:\d+:\d+ panels\[0\]\.datasource: /m,
      '"Prometheuss" is not a datasource of this stack (Prometheus (uid prometheus), Jaeger (uid jaeger)) (did you mean "Prometheus"?)',
    );
  });

  it('are refused when missing, at the stack file key; and need Grafana', async () => {
    await refused(
      await project(`${base}grafana:\n  extraDashboards: [nope/]\n`),
      /stacks\/demo\.yaml:4:21 grafana\.extraDashboards\[0\]: /,
      'nope does not exist',
    );
    await refused(
      await project(`${base}grafana:\n  enabled: false\n  extraDashboards: [team/dashboards]\n`),
      /grafana\.extraDashboards: /,
      'needs grafana.enabled: Grafana shows these dashboards',
    );
  });
});

describe("the user's own rule files", () => {
  it('are refused without groups, or with a rule missing expr, located in the file', async () => {
    const dir = await project(`${base}prometheus:\n  ruleFiles: [rules.yml]\n`, {
      'rules.yml': 'groups:\n  - name: mine\n    rules:\n      - alert: Nope\n        for: 5m\n',
    });
    await refused(
      dir,
      /^rules\.yml:4:\d+ groups\[0\]\.rules\[0\]\.expr: /m,
      'is missing: the PromQL expression',
    );
  });

  it('pass promtool check rules, as the fixture of the golden stack', async () => {
    const { stdout } = await execa('promtool', [
      'check',
      'rules',
      path.join(ROOT, 'test/fixtures/extended/rules/checkout.yml'),
    ]);
    expect(stdout).toContain('SUCCESS: 2 rules found');
  });
});

describe("the user's own compose files", () => {
  it("are refused with a service named like the stack's, or on a network nobody declares", async () => {
    const dir = await project(`${base}include: [extra.yaml]\n`, {
      'extra.yaml':
        'services:\n  grafana:\n    image: x\n  pusher:\n    image: y\n    networks: [demo-nett]\n',
    });
    const stderr = await refused(
      dir,
      /^extra\.yaml:2:3 services\.grafana: /m,
      '"grafana" is a service of the stack; name yours differently',
    );
    expect(stderr).toContain(
      'extra.yaml:6:16 services.pusher.networks[0]: "demo-nett" is neither a network of the stack (demo-net, demo-apps) nor one this file declares (did you mean "demo-net"?)',
    );
  });

  it('are joined with compose include, and checked with the stack by the real docker compose', async () => {
    const dir = await project(
      `${base}include: [team/pushgateway.compose.yaml]\nnetworks:\n  observability: {name: extended-net}\n`,
    );
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const { stdout } = await execa(
      'docker',
      [
        'compose',
        '-f',
        'deploy/demo/compose.yaml',
        '--env-file',
        'deploy/demo/.env',
        'config',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    const config = JSON.parse(stdout) as {
      services: Record<string, { networks: Record<string, unknown>; volumes?: { source: string }[] }>;
    };
    expect(Object.keys(config.services)).toContain('pushgateway');
    expect(Object.keys(config.services.pushgateway!.networks)).toEqual(['extended-net']);
    // Paths in the included file are relative to its own folder.
    expect(config.services.pushgateway!.volumes![0]!.source).toBe(path.join(dir, 'team/pushgateway-data'));
  });

  it('on a Swarm, are refused where they name a path of this machine or a build', async () => {
    const dir = await project(`${base}target: swarm\ninclude: [extra.yaml]\n`, {
      'extra.yaml': [
        'services:',
        '  batch:',
        '    build: ./batch',
        '    env_file: batch.env',
        '    networks: [demo-net]',
        '    volumes:',
        '      - data:/data',
        '      - ./out:/out',
        '      - { type: bind, source: /srv, target: /srv }',
        'configs:',
        '  settings:',
        '    file: ./settings.yaml',
        '',
      ].join('\n'),
    });
    const stderr = await refused(
      dir,
      'extra.yaml:3:5 services.batch.build: ',
      'cannot be built on a Swarm (target: swarm): build and push the image to a registry the nodes reach',
    );
    for (const line of [
      `extra.yaml:4:5 services.batch.env_file: is read from the stack's output folder by docker stack deploy, not from this file's (target: swarm): put the variables under environment`,
      'extra.yaml:8:9 services.batch.volumes[1]: is a folder of this machine, which the nodes of a Swarm do not have',
      'extra.yaml:9:9 services.batch.volumes[2]: is a folder of this machine',
      "extra.yaml:12:5 configs.settings.file: is read from the stack's output folder by docker stack deploy, not from this file's (target: swarm): create it with docker config create and mark it external: true",
    ])
      expect(stderr).toContain(line);
    // A named volume is fine.
    expect(stderr).not.toContain('volumes[0]');
  });

  it('warn about a service on no network of the stack', async () => {
    const dir = await project(`${base}include: [extra.yaml]\n`, {
      'extra.yaml': 'services:\n  lonely:\n    image: x\n',
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'extra.yaml:2:3 warning: services.lonely: lonely is on no network of the stack, so it cannot reach the collector or Prometheus by name; add networks: [demo-net]',
    );
  });
});

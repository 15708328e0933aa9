/**
 * Issue #14: a new backend is one new folder and one line in the list. This makes one in a copy of the
 * project, the way ARCHITECTURE.md "Adding a backend" says: Jaeger's folder, templates and preset copied
 * under a made-up name (`fourth`, a fixture: its image does not exist and nothing runs it), and the line in
 * src/backends/index.ts. Nothing else of the copy changes; it must type-check, build, and generate a stack
 * that the real `docker compose config` accepts (no engine needed).
 */
import { execa } from 'execa';
import { cp, readFile, symlink, writeFile, readdir, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/golden.js';
import { testdir } from '../helpers/testdir.js';

const COPIED = [
  'src',
  'templates',
  'stacks',
  'bin',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

const renamed = (text: string) =>
  text.replaceAll('jaeger', 'fourth').replaceAll('Jaeger', 'Fourth').replaceAll('JAEGER', 'FOURTH');

/** Copies a folder with `jaeger` renamed in its files' names and texts. */
async function copyRenamed(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const name of await readdir(from)) {
    await writeFile(path.join(to, renamed(name)), renamed(await readFile(path.join(from, name), 'utf8')));
  }
}

it('takes a fourth backend from its folder, its templates, its preset and one line in the list', async () => {
  const copy = await testdir();
  for (const entry of COPIED) await cp(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));

  await copyRenamed(path.join(ROOT, 'src/backends/jaeger'), path.join(copy, 'src/backends/fourth'));
  await copyRenamed(path.join(ROOT, 'templates/jaeger'), path.join(copy, 'templates/fourth'));
  await writeFile(
    path.join(copy, 'stacks/fourth.yaml'),
    renamed(await readFile(path.join(ROOT, 'stacks/jaeger.yaml'), 'utf8')),
  );
  const list = path.join(copy, 'src/backends/index.ts');
  const before = await readFile(list, 'utf8');
  const after = before
    .replace("import { TEMPO } from './tempo/index.js';", "$&\nimport { FOURTH } from './fourth/index.js';")
    .replace('[SIGNOZ, JAEGER, TEMPO]', '[SIGNOZ, JAEGER, TEMPO, FOURTH]');
  expect(after.split('\n').length - before.split('\n').length).toBe(1);
  expect(after).toContain('FOURTH]');
  await writeFile(list, after);

  // The copy's caches stay in the copy, not in the user's.
  const env = { XDG_CACHE_HOME: path.join(copy, '.cache') };
  const run = (file: string, args: string[], cwd = copy) =>
    execa(file, args, { cwd, env, reject: false, all: true });
  const typecheck = await run('npx', ['tsc', '--noEmit', '-p', '.']);
  expect(typecheck.all, 'tsc').toBe('');
  const build = await run('npm', ['run', 'build']);
  expect(build.exitCode, build.all).toBe(0);

  const demo = path.join(copy, 'demo');
  await execa('git', ['init', '-q', demo]);
  const stackgen = (...args: string[]) =>
    run('node', [path.join(copy, 'bin/stackgen.js'), '-C', demo, ...args]);
  const init = await stackgen('init', '--backend', 'fourth');
  expect(init.exitCode, init.all).toBe(0);
  expect((await stackgen('generate', '--check')).exitCode).toBe(0);

  const deployed = path.join(demo, 'deploy/observability');
  const compose = parse(await readFile(path.join(deployed, 'compose.yaml'), 'utf8')) as {
    services: Record<string, { image: string }>;
  };
  expect(Object.keys(compose.services).sort()).toEqual(['fourth', 'grafana', 'otel-collector', 'prometheus']);
  expect(compose.services.fourth!.image).toMatch(/^fourthtracing\/fourth:/);
  const collector = await readFile(path.join(deployed, 'collector/config.yaml'), 'utf8');
  expect(collector).toContain('fourth:4317');
  const datasources = await readFile(
    path.join(deployed, 'grafana/provisioning/datasources/datasources.yaml'),
    'utf8',
  );
  expect(datasources).toContain('uid: fourth');
  const prometheus = await readFile(path.join(deployed, 'prometheus/prometheus.yml'), 'utf8');
  expect(prometheus).toContain('job_name: fourth');
  const readme = await readFile(path.join(deployed, 'README.md'), 'utf8');
  expect(readme).toContain('| `fourth` | `fourthtracing/fourth:');

  const config = await run(
    'docker',
    ['compose', '-f', path.join(deployed, 'compose.yaml'), 'config', '-q'],
    demo,
  );
  expect(config.exitCode, config.all).toBe(0);
}, 180_000);

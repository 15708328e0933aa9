import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/commands/generate.js';
import { init } from '../../src/commands/init.js';
import { validate } from '../../src/commands/validate.js';
import { OperationError, StackInvalidError } from '../../src/errors.js';
import { captureIo, readTree, stackYaml, testdir } from '../helpers/testdir.js';

const run = {
  init: (cwd: string, extra: Partial<{ backend: string; name: string; force: boolean }> = {}) =>
    init({ cwd, io: captureIo(), backend: 'jaeger', name: 'observability', force: false, ...extra }),
  generate: (
    cwd: string,
    extra: Partial<{ files: string[]; check: boolean; force: boolean }> = {},
    io = captureIo(),
  ) => generate({ cwd, io, files: [], check: false, force: false, ...extra }),
};

describe('stackgen init', () => {
  it('writes the stack file from the preset, its schema, the generated files, .env and .gitignore', async () => {
    const cwd = await testdir();
    await run.init(cwd);
    const tree = await readTree(cwd);
    expect(Object.keys(tree)).toEqual(
      expect.arrayContaining([
        'stacks/observability.yaml',
        'stacks/stackgen.schema.json',
        'deploy/observability/compose.yaml',
        'deploy/observability/.env',
        'deploy/observability/.stackgen/manifest.json',
        '.gitignore',
      ]),
    );
    const stackFile = tree['stacks/observability.yaml']!;
    expect(stackFile.split('\n')[0]).toBe('# yaml-language-server: $schema=./stackgen.schema.json');
    expect(parse(stackFile)).toMatchObject({ name: 'observability', backend: 'jaeger' });
    expect(JSON.parse(tree['stacks/stackgen.schema.json']!).title).toBe('stackgen stack definition');
    expect(tree['.gitignore']).toContain('/deploy/observability/.env');
    expect((await stat(path.join(cwd, 'deploy/observability/.env'))).mode & 0o777).toBe(0o600);
    // What init generated is exactly what generate would: nothing is out of date.
    await expect(run.generate(cwd, { check: true })).resolves.toMatchObject({ upToDate: true });
  });

  it('never overwrites an existing stack file without --force', async () => {
    const cwd = await testdir({ 'stacks/observability.yaml': 'name: mine\n' });
    await expect(run.init(cwd)).rejects.toThrow(
      new OperationError(
        'stacks/observability.yaml already exists; run "npx stackgen generate" to regenerate from it, or init again with --force to replace it',
      ),
    );
    expect(await readFile(path.join(cwd, 'stacks/observability.yaml'), 'utf8')).toBe('name: mine\n');
    await run.init(cwd, { force: true });
    expect(await readFile(path.join(cwd, 'stacks/observability.yaml'), 'utf8')).toContain('backend: jaeger');
  });

  it('writes the SigNoz and Tempo presets too', async () => {
    for (const backend of ['signoz', 'tempo']) {
      const cwd = await testdir();
      await run.init(cwd, { backend });
      expect(parse(await readFile(path.join(cwd, 'stacks/observability.yaml'), 'utf8'))).toMatchObject({
        backend,
      });
      await expect(run.generate(cwd, { check: true })).resolves.toMatchObject({ upToDate: true });
    }
  });

  it('refuses a name that is no safe identifier', async () => {
    const cwd = await testdir();
    await expect(run.init(cwd, { name: '../evil' })).rejects.toThrow('--name: expected lowercase letters');
    expect(await readTree(cwd)).toEqual({});
  });

  it('refuses to overwrite files in the output folder that stackgen did not write', async () => {
    const cwd = await testdir({ 'deploy/observability/compose.yaml': 'services: {}\n' });
    await expect(run.init(cwd)).rejects.toThrow(
      /holds files stackgen did not write[\s\S]*deploy\/observability\/compose\.yaml/,
    );
    expect(await readTree(cwd)).toEqual({ 'deploy/observability/compose.yaml': 'services: {}\n' });
  });
});

describe('stackgen generate', () => {
  it('renders every stack under stacks/ and is idempotent', async () => {
    const cwd = await testdir({
      'stacks/a.yaml': stackYaml('', 'a'),
      'stacks/b.yaml': stackYaml(
        'exposure:\n  ports:\n    collector: { otlpGrpc: 14317, otlpHttp: 14318, health: 23133 }\n    jaeger: { ui: 26686 }\n    prometheus: { ui: 19090 }\n    grafana: { ui: 13000 }\n',
        'b',
      ),
    });
    await run.generate(cwd);
    const first = await readTree(cwd);
    expect(Object.keys(first).filter((f) => f.endsWith('compose.yaml'))).toEqual([
      'deploy/a/compose.yaml',
      'deploy/b/compose.yaml',
    ]);
    const io = captureIo();
    await run.generate(cwd, {}, io);
    expect(io.stdout).toEqual([
      'deploy/a: 0 written, 0 removed, 12 unchanged (from stacks/a.yaml)',
      'deploy/b: 0 written, 0 removed, 12 unchanged (from stacks/b.yaml)',
    ]);
    expect(await readTree(cwd)).toEqual(first);
  });

  it('--check lists missing, stale, hand-edited and orphaned files and writes nothing', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml('apps:\n  - service: web\n') });
    await run.generate(cwd);
    await writeFile(path.join(cwd, 'stacks/demo.yaml'), stackYaml('collector:\n  memoryLimitMiB: 1024\n'));
    await writeFile(path.join(cwd, 'deploy/demo/prometheus/prometheus.yml'), '# tweak\n', { flag: 'a' });
    await rm(path.join(cwd, 'deploy/demo/README.md'));
    const before = await readTree(cwd);
    const io = captureIo();
    await expect(run.generate(cwd, { check: true }, io)).rejects.toThrow(
      'generated files are out of date: run "npx stackgen generate" (hand-edited files need --force)',
    );
    expect(io.stdout).toEqual([
      'deploy/demo: out of date with stacks/demo.yaml',
      '  stale                     .stackgen/manifest.json',
      '  missing                   README.md',
      '  orphaned                  apps/web.override.yaml',
      '  stale                     collector/config.yaml',
      '  stale                     compose.yaml',
      '  hand-edited               prometheus/prometheus.yml',
      // Its memory alert follows collector.memoryLimitMiB.
      '  stale                     prometheus/rules/stack-health.yml',
    ]);
    expect(await readTree(cwd)).toEqual(before);
  });

  it('refuses to overwrite a hand-edited file, showing a diff, until --force', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml() });
    await run.generate(cwd);
    const file = path.join(cwd, 'deploy/demo/collector/config.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('limit_mib: 409', 'limit_mib: 999'));
    const edited = await readTree(cwd);
    const error = await run.generate(cwd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationError);
    expect((error as Error).message).toContain('hand-edited: deploy/demo/collector/config.yaml');
    expect((error as Error).message).toContain('-    limit_mib: 999');
    expect((error as Error).message).toContain('+    limit_mib: 409');
    expect(await readTree(cwd)).toEqual(edited);
    await run.generate(cwd, { force: true });
    expect(await readFile(file, 'utf8')).toContain('limit_mib: 409');
  });

  it('removes files a stack no longer renders, and their empty folders', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml('apps:\n  - service: web\n') });
    await run.generate(cwd);
    await writeFile(path.join(cwd, 'stacks/demo.yaml'), stackYaml());
    const io = captureIo();
    await run.generate(cwd, {}, io);
    expect(io.stdout).toContain('  removed  apps/web.override.yaml');
    await expect(stat(path.join(cwd, 'deploy/demo/apps'))).rejects.toThrow();
  });

  it('git-ignores the secrets of every new stack, in one .gitignore change', async () => {
    const cwd = await testdir({
      '.gitignore': 'node_modules/\n',
      'stacks/a.yaml': stackYaml('', 'a'),
      'stacks/b.yaml': stackYaml(
        'exposure:\n  ports:\n    collector: { otlpGrpc: 14317, otlpHttp: 14318, health: 23133 }\n    jaeger: { ui: 26686 }\n    prometheus: { ui: 19090 }\n    grafana: { ui: 13000 }\n',
        'b',
      ),
    });
    await run.generate(cwd);
    expect(await readFile(path.join(cwd, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n# Secrets written by stackgen\n/deploy/a/.env\n/deploy/b/.env\n',
    );
  });

  it('keeps secrets across runs and adds only missing ones', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml() });
    await run.generate(cwd);
    const env = await readFile(path.join(cwd, 'deploy/demo/.env'), 'utf8');
    await run.generate(cwd, { force: true });
    expect(await readFile(path.join(cwd, 'deploy/demo/.env'), 'utf8')).toBe(env);
  });

  it('reports the output folder of a renamed stack, and --check fails on it', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml() });
    await run.generate(cwd);
    await writeFile(path.join(cwd, 'stacks/demo.yaml'), stackYaml('', 'shop'));
    const io = captureIo();
    await run.generate(cwd, {}, io);
    expect(io.stderr).toContain(
      'warning: deploy/demo was generated from stacks/demo.yaml, which no longer writes there (a stack renamed, moved or deleted): if its project still runs, stop it ("docker compose -p demo down", or "docker compose -f deploy/demo/compose.yaml down"), then delete deploy/demo and its lines in .gitignore',
    );
    // Everything the stack writes is current, and still --check fails, naming the folder.
    const check = captureIo();
    await expect(run.generate(cwd, { check: true }, check)).rejects.toThrow(
      'an output folder no stack writes any more is left over (above): remove it',
    );
    expect(check.stdout).toEqual([
      'deploy/shop: up to date with stacks/demo.yaml (12 files)',
      expect.stringMatching(/^orphaned folder: deploy\/demo was generated from stacks\/demo.yaml/),
    ]);
    await rm(path.join(cwd, 'deploy/demo'), { recursive: true });
    await expect(run.generate(cwd, { check: true })).resolves.toMatchObject({ upToDate: true });
  });

  it('writes nothing when any stack file is invalid, and reports all of them', async () => {
    const cwd = await testdir({
      'stacks/good.yaml': stackYaml('', 'good'),
      'stacks/bad.yaml': 'name: bad\nbackend: zipkin\n',
      'stacks/worse.yaml': 'name: worse\nbakend: jaeger\n',
    });
    const error = await run.generate(cwd).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackInvalidError);
    expect((error as Error).message.split('\n')).toEqual([
      'stacks/bad.yaml:2:10 backend: expected one of signoz, jaeger, tempo, got "zipkin"',
      'stacks/worse.yaml:1:1 backend: is required (one of signoz, jaeger, tempo)',
      'stacks/worse.yaml:2:1 bakend: unknown key "bakend" (did you mean "backend"?)',
      '3 errors in stack definition',
    ]);
    expect(Object.keys(await readTree(cwd))).toEqual([
      'stacks/bad.yaml',
      'stacks/good.yaml',
      'stacks/worse.yaml',
    ]);
  });

  it('errors when two stacks claim the same name, output or networks', async () => {
    const cwd = await testdir({
      'stacks/a.yaml': stackYaml('', 'same'),
      'stacks/b.yaml': stackYaml('', 'same'),
    });
    await expect(run.generate(cwd)).rejects.toThrow(
      'stacks/b.yaml:1:7 name: the stack name "same" is also used by stacks/a.yaml',
    );
  });

  it('says how to start when there is no stack file', async () => {
    const cwd = await testdir();
    await expect(run.generate(cwd)).rejects.toThrow(
      /no stack files in .*stacks; create one with "npx stackgen init --backend jaeger"/,
    );
    await expect(run.generate(cwd, { files: ['nope.yaml'] })).rejects.toThrow(
      'nope.yaml: no such stack file',
    );
  });
});

describe('stackgen validate', () => {
  it('checks stack files and their output, prints warnings, writes nothing', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml('exposure:\n  bindAddress: 0.0.0.0\n') });
    const io = captureIo();
    await validate({ cwd, io, files: [] });
    expect(io.stderr[0]).toMatch(
      /^stacks\/demo\.yaml:4:16 warning: exposure\.bindAddress: 0\.0\.0\.0 publishes/,
    );
    expect(io.stdout).toEqual([
      'stacks/demo.yaml: valid (jaeger; services otel-collector, jaeger, prometheus, grafana; 11 files in deploy/demo)',
    ]);
    expect(Object.keys(await readTree(cwd))).toEqual(['stacks/demo.yaml']);
  });
});

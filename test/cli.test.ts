/** The CLI as users run it: bin/stackgen.js in a child process, judged by exit code and output. */
import { execa } from 'execa';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackJsonSchema } from '../src/model/json-schema.js';
import { stackYaml, testdir } from './helpers/testdir.js';

const BIN = path.resolve(import.meta.dirname, '../bin/stackgen.js');

function stackgen(args: string[], cwd?: string) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { NO_COLOR: '1' } });
}

/** A Node stack trace line, which users must never see for their own mistakes. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe('stackgen command line', () => {
  it('prints help and version with exit 0', async () => {
    const help = await stackgen(['--help']);
    expect(help.exitCode).toBe(0);
    for (const command of ['init', 'generate', 'validate', 'schema']) expect(help.stdout).toContain(command);
    const version = await stackgen(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('ends quietly, with its own exit code, when the reader of its output goes away', async () => {
    // Output goes straight to the descriptors (src/output-streams.ts); the pipe closes after one byte.
    const piped = (args: string) =>
      execa('bash', ['-c', `node ${BIN} ${args} 2>&1 | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
        env: { NO_COLOR: '1' },
      });
    expect((await piped('schema')).stdout).toBe('0');
    const failed = await piped('validate no-such-stack.yaml');
    expect(failed.stdout).toBe('2');
    expect(failed.stderr).toBe('');
  });

  it('writes everything a long output holds, to a pipe and to a file', async () => {
    const expected = `${JSON.stringify(stackJsonSchema(), null, 2)}\n`;
    expect((await stackgen(['schema'])).stdout).toBe(expected.trimEnd());
    const dir = await testdir();
    await execa('bash', ['-c', `node ${BIN} schema > ${dir}/schema.json`]);
    expect(await readFile(path.join(dir, 'schema.json'), 'utf8')).toBe(expected);
  });

  it('exits 2 on usage errors', async () => {
    const unknown = await stackgen(['deploy']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'deploy'");
    const noBackend = await stackgen(['init']);
    expect(noBackend.exitCode).toBe(2);
    expect(noBackend.stderr).toBe(
      'init needs --backend, one of signoz, jaeger, tempo: e.g. "stackgen init --backend jaeger"',
    );
    const badBackend = await stackgen(['init', '--backend', 'zipkin']);
    expect(badBackend.exitCode).toBe(2);
    expect(badBackend.stderr).toContain('Allowed choices are signoz, jaeger, tempo');
  });

  it('runs init and generate in the folder given with -C, exit 0, then --check exits 0', async () => {
    const dir = await testdir();
    const result = await stackgen(['-C', dir, 'init', '--backend', 'jaeger', '--name', 'obs']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Created stacks/obs.yaml (jaeger) and generated deploy/obs/:');
    expect((await stackgen(['generate', '--check'], dir)).exitCode).toBe(0);
  });

  it('exits 2 with located errors and no stack trace on an invalid stack file', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': 'name: demo\nbackend: zipkinx\n' });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'stacks/demo.yaml:2:10 backend: expected one of signoz, jaeger, tempo, got "zipkinx"\n1 error in stack definition',
    );
    expect(result.stdout).toBe('');
  });

  it('exits 1 when --check finds drift, and 1 when generate refuses to overwrite', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const config = path.join(dir, 'deploy/demo/collector/config.yaml');
    await writeFile(config, `${await readFile(config, 'utf8')}# edit\n`);
    const check = await stackgen(['generate', '--check'], dir);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toContain('hand-edited');
    const refused = await stackgen(['generate'], dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 2 when a named stack file does not exist', async () => {
    const dir = await testdir();
    const result = await stackgen(['generate', 'stacks/nope.yaml'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('stacks/nope.yaml: no such stack file');
  });

  it('stops quietly when the reader of its output goes away', async () => {
    // `true` exits without reading, so stackgen's first write meets a closed pipe.
    const result = await execa('sh', ['-c', `node ${BIN} schema | true`], { reject: false });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('prints the JSON schema, which is the one committed beside the presets', async () => {
    const result = await stackgen(['schema']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(stackJsonSchema());
    const committed = await readFile(
      path.resolve(import.meta.dirname, '../stacks/stackgen.schema.json'),
      'utf8',
    );
    expect(committed, 'run "npm run schema:generate"').toBe(
      `${JSON.stringify(stackJsonSchema(), null, 2)}\n`,
    );
  });

  it('keeps compiled code per command also when -C names the project folder', async () => {
    const cwd = await testdir({ 'stacks/demo.yaml': stackYaml() });
    const env = { NO_COLOR: '1', XDG_CACHE_HOME: path.join(cwd, '.cache') };
    const run = (args: string[]) => execa('node', [BIN, ...args], { reject: false, env });
    // The first run of each fills stackgen's caches; a later one, which misses none, keeps V8's code.
    for (let i = 0; i < 2; i++) {
      expect((await run(['-C', cwd, 'validate'])).exitCode).toBe(0);
      expect((await run([`--cwd=${cwd}`, 'schema'])).exitCode).toBe(0);
    }
    const kept = (await readdir(path.join(cwd, '.cache/stackgen'))).filter((f) => f.startsWith('code-'));
    expect(kept.map((f) => f.replace(/^code-.*-/, '')).sort()).toEqual(['schema.bin', 'validate.bin']);
  });
});

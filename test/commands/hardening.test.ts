/**
 * The attacks and accidents of the hardening review (issue #10), each through the CLI as users run it:
 * bin/stackgen.js in a child process, judged by exit code, output and the files on disk.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderLock, withLock } from '../../src/lock.js';
import { readTree, stackYaml, testdir } from '../helpers/testdir.js';

const BIN = path.resolve(import.meta.dirname, '../../bin/stackgen.js');
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

function stackgen(args: string[], cwd: string) {
  return execa('node', [BIN, ...args], { cwd, reject: false, env: { NO_COLOR: '1' } });
}

async function gitRepo(files: Record<string, string> = {}): Promise<string> {
  const dir = await testdir(files);
  await execa('git', ['init', '-q'], { cwd: dir });
  return dir;
}

async function manifest(dir: string, output = 'deploy/demo') {
  const file = path.join(dir, output, '.stackgen/manifest.json');
  const json = JSON.parse(await readFile(file, 'utf8')) as { files: Record<string, string> };
  return {
    json,
    save: () => writeFile(file, JSON.stringify(json)),
  };
}

describe('secrets stay out of git', () => {
  for (const output of ['deploy/./obs', 'deploy//obs', 'deploy/obs/.', './deploy/obs/']) {
    it(`normalizes output: ${output}, so the .gitignore line matches and git ignores .env`, async () => {
      const dir = await gitRepo({ 'stacks/demo.yaml': stackYaml(`output: ${output}\n`) });
      const result = await stackgen(['generate'], dir);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(existsSync(path.join(dir, 'deploy/obs/compose.yaml'))).toBe(true);
      expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toContain('/deploy/obs/.env\n');
      expect(result.stderr).toContain(
        'deploy/obs/.env: new random GRAFANA_ADMIN_PASSWORD, STACKGEN_ENV_ID (git-ignored)',
      );
      await execa('git', ['add', '-A'], { cwd: dir });
      const staged = (await execa('git', ['diff', '--cached', '--name-only'], { cwd: dir })).stdout;
      expect(staged).toContain('deploy/obs/compose.yaml');
      expect(staged).not.toContain('.env\n');
      expect(staged.split('\n')).not.toContain('deploy/obs/.env');
    });
  }

  it('says NOT git-ignored, and warns, when git would still commit the .env', async () => {
    const dir = await gitRepo({ 'stacks/demo.yaml': stackYaml(), '.gitignore': '' });
    await mkdir(path.join(dir, 'deploy/demo'), { recursive: true });
    await writeFile(path.join(dir, 'deploy/demo/.env'), '# mine\n');
    await execa('git', ['add', '-f', 'deploy/demo/.env'], { cwd: dir });
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('(NOT git-ignored)');
    expect(result.stderr).toContain(
      'warning: git does not ignore deploy/demo/.env, so it can be committed with its secrets',
    );
  });

  it('restores a lost .gitignore line for an existing .env', async () => {
    const dir = await gitRepo({ 'stacks/demo.yaml': stackYaml() });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    await writeFile(path.join(dir, '.gitignore'), 'node_modules/\n');
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toContain('/deploy/demo/.env');
  });

  it('narrows a .env others can read to 0600', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    await chmod(path.join(dir, 'deploy/demo/.env'), 0o644);
    const result = await stackgen(['generate'], dir);
    expect(result.stderr).toContain('deploy/demo/.env: mode narrowed to 0600 (owner only)');
    expect((await stat(path.join(dir, 'deploy/demo/.env'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a committed .env that is a link, copying nothing of its target', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml(), 'creds/aws': 'AWS_SECRET=verysecret\n' });
    await mkdir(path.join(dir, 'deploy/demo'), { recursive: true });
    await symlink('../../creds/aws', path.join(dir, 'deploy/demo/.env'));
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^deploy\/demo\/\.env is a symbolic link; stackgen keeps the stack's secrets/,
    );
    expect(result.stderr + result.stdout).not.toContain('verysecret');
    expect(await readFile(path.join(dir, 'creds/aws'), 'utf8')).toBe('AWS_SECRET=verysecret\n');
    expect(existsSync(path.join(dir, 'deploy/demo/compose.yaml'))).toBe(false);
  });

  it('refuses an empty secret in .env, located there, writing nothing', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    await writeFile(path.join(dir, 'deploy/demo/.env'), 'GRAFANA_ADMIN_PASSWORD=\n');
    await writeFile(path.join(dir, 'stacks/demo.yaml'), stackYaml('collector: {memoryLimitMiB: 1024}\n'));
    const before = await readTree(dir);
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('deploy/demo/.env:1:1 GRAFANA_ADMIN_PASSWORD: is empty');
    expect(await readTree(dir)).toEqual(before);
  });
});

describe('the file layer trusts nothing on disk', () => {
  it('never deletes outside the output folder through a tampered manifest and a link', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    const victim = await testdir({ 'precious.txt': 'keep me' });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    await symlink(victim, path.join(dir, 'deploy/demo/link'));
    const { json, save } = await manifest(dir);
    const { createHash } = await import('node:crypto');
    json.files['link/precious.txt'] = createHash('sha256').update('keep me').digest('hex');
    json.files['../../../victim.txt'] = json.files['link/precious.txt'];
    await save();
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(path.join(victim, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('never writes through a linked folder inside the output', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    const elsewhere = await testdir();
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    await import('node:fs/promises').then((fs) =>
      fs.rm(path.join(dir, 'deploy/demo/grafana'), { recursive: true }),
    );
    await symlink(elsewhere, path.join(dir, 'deploy/demo/grafana'));
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('deploy/demo/grafana is a symbolic link');
    expect(await readTree(elsewhere)).toEqual({});
  });

  it('never reads or prints the target of a link at a generated path, and --force replaces the link', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml(), 'secret.txt': 'CI_TOKEN=verysecret\n' });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const config = path.join(dir, 'deploy/demo/collector/config.yaml');
    await unlink(config);
    await symlink(path.join(dir, 'secret.txt'), config);
    for (const args of [['generate'], ['generate', '--check']]) {
      const result = await stackgen(args, dir);
      expect(result.exitCode).toBe(1);
      expect(result.stdout + result.stderr).not.toContain('verysecret');
    }
    const refused = await stackgen(['generate'], dir);
    expect(refused.stderr).toContain('a symbolic link: stackgen never writes through links');
    expect((await stackgen(['generate', '--force'], dir)).exitCode).toBe(0);
    expect(await readFile(path.join(dir, 'secret.txt'), 'utf8')).toBe('CI_TOKEN=verysecret\n');
    expect(await readFile(config, 'utf8')).toContain('receivers:');
  });

  it('never diffs, prints or deletes secrets a manifest lists', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml('tls: {enabled: true}\n') });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const env = await readFile(path.join(dir, 'deploy/demo/.env'), 'utf8');
    const caKey = await readFile(path.join(dir, 'deploy/demo/tls/ca.key'), 'utf8');
    const { json, save } = await manifest(dir);
    json.files['.env'] = '0'.repeat(64);
    json.files['tls/ca.key'] = '0'.repeat(64);
    await save();
    for (const args of [['generate', '--check'], ['generate'], ['generate', '--force']]) {
      const result = await stackgen(args, dir);
      expect(result.stdout + result.stderr).not.toContain(env.split('\n').at(-2)!.split('=')[1]!);
      expect(result.stdout + result.stderr).not.toContain('PRIVATE KEY');
    }
    expect(await readFile(path.join(dir, 'deploy/demo/.env'), 'utf8')).toBe(env);
    expect(await readFile(path.join(dir, 'deploy/demo/tls/ca.key'), 'utf8')).toBe(caKey);
  });

  it('ignores manifest paths holding NUL or other tricks, without a stack trace', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const { json, save } = await manifest(dir);
    json.files['a\u0000b'] = '0'.repeat(64);
    json.files['x\\..\\..\\y'] = '0'.repeat(64);
    await save();
    const result = await stackgen(['generate'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('refuses a stack file linked to a file outside the project, quoting none of it', async () => {
    const outside = await testdir({ 'creds.yaml': 'aws_secret_access_key: verysecret\n' });
    const dir = await testdir();
    await mkdir(path.join(dir, 'stacks'));
    await symlink(path.join(outside, 'creds.yaml'), path.join(dir, 'stacks/demo.yaml'));
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('stacks/demo.yaml is a symbolic link to a file outside the project');
    expect(result.stderr).not.toContain('verysecret');
  });
});

describe('names that would forge lines or vanish', () => {
  for (const name of ['demo\r.yaml', 'demo\n.yaml', 'de\u001b[31mmo.yaml']) {
    it(`refuses the stack file name ${JSON.stringify(name)} with exit 2, escaped, no stack trace`, async () => {
      const dir = await testdir({ [`stacks/${name}`]: stackYaml() });
      const result = await stackgen(['generate'], dir);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('the file name holds control characters (shown escaped)');
      expect(result.stderr).not.toContain('\r');
      expect(result.stderr).not.toContain('\u001b');
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(existsSync(path.join(dir, 'deploy'))).toBe(false);
    });
  }

  it('escapes control characters in names echoed by errors', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    const result = await stackgen(['generate', 'stacks/\u001b[2Jnope.yaml'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('stacks/\\u001b[2Jnope.yaml: no such stack file');
  });

  it('refuses network and app names starting with x-, which compose reads as extensions', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'networks:\n  applications:\n    - name: x-apps\napps:\n  - service: x-web\n    networks: [x-apps]\n',
      ),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'stacks/demo.yaml:5:13 networks.applications[0].name: a network name must not start with "x-"',
    );
    expect(result.stderr).toContain(
      'stacks/demo.yaml:7:14 apps[0].service: a service name must not start with "x-"',
    );
  });

  it('gives both dashboards of a 40-character stack distinct uids of at most 40 characters', async () => {
    const name = `a${'b'.repeat(38)}c`;
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml('', name) });
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
    const uid = async (file: string) =>
      (
        JSON.parse(await readFile(path.join(dir, `deploy/${name}/grafana/dashboards/${file}`), 'utf8')) as {
          uid: string;
        }
      ).uid;
    const [red, collector] = [await uid('red.json'), await uid('collector.json')];
    expect(red).not.toBe(collector);
    expect(red.length).toBeLessThanOrEqual(40);
    expect(collector.length).toBeLessThanOrEqual(40);
  });
});

describe('one writer at a time', () => {
  it('refuses a generate while another run writes to the same project, changing nothing', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml('tls: {enabled: true}\n') });
    const before = await readTree(dir);
    // This test process plays the first run, holding the project's lock while "writing".
    await withLock(folderLock(dir), 'generate', async () => {
      const second = await stackgen(['generate'], dir);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(`^another "stackgen generate" \\(pid ${process.pid}\\) is working on the files of `),
      );
      for (const command of [['init', '--backend', 'tempo', '--name', 'other'], ['certs']]) {
        expect((await stackgen(command, dir)).stderr).toContain('another "stackgen generate"');
      }
    });
    expect(await readTree(dir)).toEqual(before);
    expect((await stackgen(['generate'], dir)).exitCode).toBe(0);
  });
});

describe('numbers and values that used to slip through', () => {
  it('refuses a wait timeout that overflows the timer', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': stackYaml() });
    const result = await stackgen(['up', '--wait-timeout', '2147484'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--wait-timeout expects a whole number of seconds from 1 to 86400');
  });

  for (const address of ['::0', '0::0', '0:0:0:0:0:0:0:0', '::']) {
    it(`warns that ${address} publishes to every network`, async () => {
      const dir = await testdir({ 'stacks/demo.yaml': stackYaml(`exposure: {bindAddress: "${address}"}\n`) });
      const result = await stackgen(['validate'], dir);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toContain(
        `warning: exposure.bindAddress: ${address} publishes the collector and the UIs to every network this host is on (Docker then listens on [::], IPv4 included)`,
      );
    });
  }

  it('refuses a histogramQuantileUrl with a query string', async () => {
    const dir = await testdir({
      'stacks/demo.yaml':
        'name: demo\nbackend: signoz\nsignoz:\n  histogramQuantileUrl: https://m.example.com/f?token=1\n',
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'signoz.histogramQuantileUrl: expected a folder URL without ?query or #fragment',
    );
  });

  it('refuses TLS files outside the project', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        'tls:\n  enabled: true\n  files:\n    ca: ../ca.crt\n    collector: {cert: certs/c.crt, key: ../../etc/key.pem}\n',
      ),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'tls.files.ca: must be inside the project (compose mounts it from there), got "../ca.crt"',
    );
    expect(result.stderr).toContain('tls.files.collector.key: must be inside the project');
  });

  it('refuses one stack output folder inside another', async () => {
    const dir = await testdir({
      'stacks/a.yaml': stackYaml('output: deploy\n', 'a'),
      'stacks/b.yaml': stackYaml('output: deploy/b\n', 'b'),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('deploy holds the output folder of stacks/b.yaml (deploy/b)');
  });

  it('refuses a value dotenv readers disagree on (a trailing backslash)', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml('apps:\n  - service: web\n    serviceName: "web\\\\"\n'),
    });
    const result = await stackgen(['env', '--app', 'web'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('holds a quote, a backslash or a line break');
  });

  it("reports an invalid network name in the app's own compose file there, with exit 2", async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml('apps:\n  - service: web\n    composeFile: app/compose.yaml\n'),
      'app/compose.yaml': 'services:\n  web:\n    image: x\n    networks: ["bad net"]\n',
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'apps[0].composeFile: app/compose.yaml: web is on a network whose name compose refuses ("bad net"); fix it there',
    );
  });
});

describe('stack file text that used to be misread', () => {
  it('reads a stack file with CR line breaks', async () => {
    const dir = await testdir({ 'stacks/demo.yaml': 'name: demo\rbackend: jaeger\r' });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('refuses bytes that are not UTF-8 at their position', async () => {
    const dir = await testdir();
    await mkdir(path.join(dir, 'stacks'));
    await writeFile(
      path.join(dir, 'stacks/demo.yaml'),
      Buffer.concat([
        Buffer.from('name: demo\nbackend: jaeger\ngrafana: {adminUser: "a'),
        Buffer.from([0xff]),
        Buffer.from('"}\n'),
      ]),
    );
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('stacks/demo.yaml:3:24 is not UTF-8 text: save it as UTF-8');
  });

  it('refuses __proto__ and collection keys, without a raw Node warning', async () => {
    const dir = await testdir({
      'stacks/demo.yaml': stackYaml(
        '? [a]\n: 1\napps:\n  - service: web\n    resourceAttributes: {__proto__: x}\n',
      ),
    });
    const result = await stackgen(['validate'], dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('a key must be a plain value, not a list or mapping');
    expect(result.stderr).toContain(
      'apps[0].resourceAttributes.__proto__: "__proto__" is not allowed as a key',
    );
    expect(result.stderr).not.toContain('Warning:');
  });
});

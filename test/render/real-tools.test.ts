/**
 * The golden output against the real tools, not imitations: Docker Compose v2 (`docker compose config`,
 * which needs no engine) and Prometheus' promtool. When a tool is missing these tests fail: CI installs
 * both (scripts/install-test-deps.sh).
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadStackText } from '../../src/model/load.js';
import { renderStack } from '../../src/render/plan.js';
import { checkPlan } from '../../src/check/check-plan.js';
import { envKeys } from '../../src/output/secrets.js';
import { testdir } from '../helpers/testdir.js';
import { GOLDEN, GOLDEN_STACKS, ROOT } from '../helpers/golden.js';

/**
 * The golden folder where a project would have it, two folders below the root (like deploy/<name>), so the
 * paths it holds to the user's own files (`../../test/fixtures/…`) resolve: returns its compose file.
 */
async function asDeployed(name: string): Promise<string> {
  const project = await testdir();
  await mkdir(path.join(project, 'deploy'));
  await symlink(path.join(GOLDEN, name), path.join(project, 'deploy', name));
  await mkdir(path.join(project, 'test'));
  await symlink(path.join(ROOT, 'test/fixtures'), path.join(project, 'test/fixtures'));
  return path.join(project, 'deploy', name, 'compose.yaml');
}

/** An env file giving every secret of .env.example a value, as `stackgen generate` would. */
async function envFileFor(dir: string): Promise<string> {
  const names = envKeys(await readFile(path.join(dir, '.env.example'), 'utf8'));
  const file = path.join(await testdir(), 'test.env');
  await writeFile(file, [...names].map((n) => `${n}=test-secret`).join('\n'));
  return file;
}

/**
 * prometheus.yml as the promtool on the test machines (Debian's 2.42) can read it: without
 * storage.tsdb.retention, which Prometheus reads from 3.8 (2.42 refuses the unknown key; its shape is
 * checked in fidelity.test.ts), and with each rule file path where compose mounts it from, so promtool
 * checks the stack's rules and the user's.
 */
async function promtoolReadable(name: string): Promise<string> {
  const composeFile = await asDeployed(name);
  const deployed = path.dirname(composeFile);
  const config = parse(await readFile(path.join(deployed, 'prometheus/prometheus.yml'), 'utf8')) as {
    storage?: { tsdb?: { retention?: unknown } };
    rule_files?: string[];
  };
  expect(config.storage?.tsdb?.retention).toBeDefined();
  delete config.storage!.tsdb!.retention;
  const compose = parse(await readFile(composeFile, 'utf8')) as {
    services: { prometheus: { volumes: string[] } };
  };
  const mounts = compose.services.prometheus.volumes
    .map((v) => v.split(':'))
    .filter(([, target]) => target!.startsWith('/etc/prometheus/rules'));
  config.rule_files = config.rule_files?.map((file) => {
    const [source, target] = mounts.find(([, t]) => file === t || file.startsWith(`${t}/`))!;
    return path.resolve(deployed, source!) + file.slice(target!.length);
  });
  const file = path.join(await testdir(), 'prometheus.yml');
  await writeFile(file, stringify(config));
  return file;
}

describe.each(GOLDEN_STACKS)('golden %s with the real tools', (name) => {
  const dir = path.join(GOLDEN, name);

  it('passes docker compose config -q', async () => {
    const envFile = await envFileFor(dir);
    await execa('docker', ['compose', '--env-file', envFile, '-f', await asDeployed(name), 'config', '-q']);
  });

  // target: swarm; Docker's own loader of stack files, the one "docker stack deploy" uses (no swarm needed).
  it.skipIf(!existsSync(path.join(dir, 'swarm.yaml')))(
    'passes docker stack config, with the secrets stackgen up would name',
    async () => {
      const names = envKeys(await readFile(path.join(dir, '.env.example'), 'utf8'));
      // And the hash up computes of each TLS file, which no .env holds.
      const text = await readFile(path.join(dir, 'swarm.yaml'), 'utf8');
      const files = [...text.matchAll(/\$\{(STACKGEN_\w+_SHA):\?/g)].map((m) => m[1]!);
      const env = Object.fromEntries(
        [...[...names].map((n) => `${n}_SHA`), ...files]
          .map((n) => [n, 'test'])
          .concat([['STACKGEN_SECRETS_DIR', await testdir()]]),
      );
      const result = await execa('docker', ['stack', 'config', '-c', path.join(dir, 'swarm.yaml')], {
        cwd: dir,
        env,
      });
      const config = parse(result.stdout) as { configs: Record<string, { file: string }> };
      // Every config is a file stackgen wrote beside it, but the certificates ("stackgen certs" writes them).
      for (const { file } of Object.values(config.configs))
        if (!file.startsWith(path.join(dir, 'tls/'))) expect(existsSync(file), file).toBe(true);
    },
  );

  // A stack without Prometheus (the SigNoz preset) has no config to check.
  it.skipIf(!existsSync(path.join(dir, 'prometheus/prometheus.yml')))(
    'passes promtool check config, with its rule files',
    async () => {
      const config = await promtoolReadable(name);
      const { stdout } = await execa('promtool', ['check', 'config', config]);
      expect(stdout).toContain('SUCCESS');
      expect(stdout).toMatch(/SUCCESS: [1-9]\d* rules found/);
    },
  );

  it("merges each app override into the app's own compose project", async () => {
    const overrides =
      (await readFile(path.join(dir, '.stackgen/manifest.json'), 'utf8')).match(
        /apps\/[^"]+\.override\.yaml/g,
      ) ?? [];
    for (const override of overrides) {
      const { stdout } = await execa('docker', [
        'compose',
        '-f',
        path.join(ROOT, 'test/fixtures/shop/compose.yaml'),
        '-f',
        path.join(dir, override),
        'config',
        '--format',
        'json',
      ]);
      const service = path.basename(override, '.override.yaml');
      const listed = parse(await readFile(path.join(dir, override), 'utf8')) as {
        services: Record<string, { networks: Record<string, unknown> }>;
      };
      const merged = JSON.parse(stdout) as {
        services: Record<string, { networks: Record<string, unknown> }>;
      };
      // The service keeps the networks it had in its own project and gains the stack's.
      expect(Object.keys(merged.services[service]!.networks).sort()).toEqual(
        Object.keys(listed.services[service]!.networks).sort(),
      );
      expect(Object.keys(listed.services[service]!.networks)).toEqual(
        expect.arrayContaining(service === 'web' ? ['frontend', 'backend'] : ['default']),
      );
    }
  });
});

describe('hostile values', () => {
  const hostile = `we"b' $HOME $$ {{x}} #c: \\n ü 🚀`;

  it('reach the container exactly as written, through compose interpolation', async () => {
    const root = await testdir();
    const text = `name: demo\nbackend: jaeger\napps:\n  - service: web\n    serviceName: ${JSON.stringify(hostile)}\n`;
    const { stack } = await loadStackText(root, 'stacks/demo.yaml', text);
    const plan = renderStack(stack);
    checkPlan(plan);
    const override = plan.files.find((f) => f.path === 'apps/web.override.yaml')!;
    await writeFile(path.join(root, 'app.yaml'), 'services:\n  web:\n    image: busybox\n');
    await writeFile(path.join(root, 'override.yaml'), override.content);
    const { stdout } = await execa(
      'docker',
      ['compose', '-f', 'app.yaml', '-f', 'override.yaml', 'config', '--format', 'json'],
      {
        cwd: root,
        env: { HOME: '/should-not-appear' },
      },
    );
    const env = (JSON.parse(stdout) as { services: { web: { environment: Record<string, string> } } })
      .services.web.environment;
    // `config` prints values re-escaped ($ as $$), ready to be read again: the value compose holds is `hostile`.
    expect(env.OTEL_SERVICE_NAME).toBe(hostile.replace(/\$/g, '$$$$'));

    // The control: the same value written without escaping is interpolated by compose.
    await writeFile(
      path.join(root, 'raw.yaml'),
      'services:\n  web:\n    environment:\n      OTEL_SERVICE_NAME: "$HOME"\n',
    );
    const raw = await execa(
      'docker',
      ['compose', '-f', 'app.yaml', '-f', 'raw.yaml', 'config', '--format', 'json'],
      {
        cwd: root,
        env: { HOME: '/should-not-appear' },
      },
    );
    expect(raw.stdout).toContain('/should-not-appear');
    // And the README shows it without breaking its Markdown.
    const readme = plan.files.find((f) => f.path === 'README.md')!.content;
    expect(readme.split('\n').filter((l) => l.includes('we"b')).length).toBeLessThanOrEqual(1);
    expect(parse(override.content)).toBeTruthy();
  });
});

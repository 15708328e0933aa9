/**
 * The README's quick start, as written: stackgen packed with `npm pack`, installed into a fresh git
 * repository with npm, then each line of the README's quick-start block run there by a shell.
 *
 * Real: npm (pack, install from the tarball and the npm registry), git, the installed package's CLI
 * through npx, the Docker engine and Compose. The upstream images cannot be pulled here, so before the last
 * line (`npx stackgen up`) the test tags the stand-in images (fakes, see standins/README.md) with the
 * upstream names the generated compose file uses, only where no image of that name exists, and removes
 * those tags afterwards. The stack file and the generated files are exactly what the README's lines make.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { containers, createProject, dispose } from './helpers.js';
import { buildStandins, STANDINS } from './standins.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let repo: string | undefined;
let tarball: string;
/** Upstream image names this test tagged onto stand-ins, removed at the end. */
const tagged: string[] = [];

/** The lines of the README's quick-start block. */
async function quickStart(): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- quick-start:[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no quick-start block');
  return block.split('\n').filter((line) => line.trim() !== '');
}

/** Gives each upstream image of the generated compose file a stand-in, where the engine has none of that name. */
async function standInFor(composeFile: string): Promise<void> {
  const byService: Record<string, string> = {
    'otel-collector': STANDINS.collector,
    jaeger: STANDINS.jaeger,
    prometheus: STANDINS.prometheus,
    grafana: STANDINS.grafana,
  };
  const { services } = parse(await readFile(composeFile, 'utf8')) as {
    services: Record<string, { image: string }>;
  };
  for (const [service, { image }] of Object.entries(services)) {
    const present = await execa('docker', ['image', 'inspect', image], { reject: false });
    if (present.exitCode === 0) continue;
    const standin = byService[service];
    if (!standin) throw new Error(`no stand-in for ${service} (${image})`);
    await execa('docker', ['tag', standin, image]);
    tagged.push(image);
  }
}

beforeAll(async () => {
  await buildStandins();
  await dispose(['observability'], undefined);
  repo = await createProject({});
  const packs = path.join(repo, '..', `${path.basename(repo)}-pack`);
  await mkdir(packs);
  const { stdout } = await execa('npm', ['pack', '--pack-destination', packs, '--silent'], { cwd: ROOT });
  tarball = path.join(packs, stdout.trim().split('\n').at(-1)!);
  await execa('git', ['init', '-q'], { cwd: repo });
  await execa('npm', ['init', '-y'], { cwd: repo });
}, 300_000);

afterAll(async () => {
  await dispose(['observability'], repo);
  // The folder npm pack wrote the tarball to, beside the repository.
  if (tarball) await rm(path.dirname(tarball), { recursive: true, force: true });
  // Only the tags this test made: an image of that name the engine had before is never touched.
  for (const image of tagged) await execa('docker', ['rmi', image], { reject: false });
});

describe('the quick start in your own repository, as the README writes it', () => {
  it('installs, inits, commits, and brings the stack up', async () => {
    const lines = await quickStart();
    expect(lines).toHaveLength(4);
    const env = {
      GIT_AUTHOR_NAME: 'Quick Start',
      GIT_AUTHOR_EMAIL: 'quick@example.com',
      GIT_COMMITTER_NAME: 'Quick Start',
      GIT_COMMITTER_EMAIL: 'quick@example.com',
      NO_COLOR: '1',
    };
    const run = (line: string) => execa('sh', ['-c', line], { cwd: repo, env, reject: false });
    // The only change: where this test's tarball is, for the README's example path.
    const install = await run(
      lines[0]!
        .replace('../stackgen/stackgen-0.1.0.tgz', tarball)
        .replace('--save-dev', '--save-dev --prefer-offline --no-audit --no-fund'),
    );
    expect(install.exitCode, install.stderr).toBe(0);
    const init = await run(lines[1]!);
    expect(init.exitCode, init.stderr).toBe(0);
    const composeFile = path.join(repo!, 'deploy/observability/compose.yaml');
    expect(existsSync(composeFile)).toBe(true);
    const commit = await run(lines[2]!);
    expect(commit.exitCode, commit.stderr).toBe(0);
    const committed = (await execa('git', ['show', '--name-only', '--format=', 'HEAD'], { cwd: repo }))
      .stdout;
    expect(committed).toContain('deploy/observability/compose.yaml');
    expect(committed.split('\n')).not.toContain('deploy/observability/.env');

    await standInFor(composeFile);
    const up = await run(lines[3]!);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toContain('observability is up (4 services');
    expect(up.stdout).toContain('Jaeger UI             http://127.0.0.1:16686');
    expect((await containers('observability')).length).toBe(4);
  }, 300_000);
});

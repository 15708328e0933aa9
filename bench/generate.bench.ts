/**
 * npm run bench: how long stackgen takes as users run it (a fresh node process each time), next to what it
 * cannot be faster than, measured in the same run and printed as ratios against the goals of issue #14:
 *
 * - `generate`, `generate --check` and `validate` of each preset: at most 1.5 times `node -e 0`;
 * - a stack of 1000 apps on 100 networks: at most 6 times `node -e 0`, and at most 3 times a 10-app stack;
 * - `up` (with BENCH_UP=1 and a Docker engine): at most 0.3 s more than `docker compose up -d --wait` on the
 *   same files, with the integration tests' stand-in images.
 *
 * Each command runs alternately with its baseline, so both see the same machine. Prints numbers; asserts
 * nothing: timings are no test's business.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/stackgen.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** GNU time reports the peak memory of a process; without it, memory is not shown. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  ms: number;
  /** Peak resident memory in MiB, when GNU time is there. */
  mib?: number;
}

function once(command: string, args: string[], cwd: string): Sample {
  const start = process.hrtime.bigint();
  const run = TIME
    ? spawnSync(TIME, ['-f', '%M', command, ...args], { cwd, encoding: 'utf8' })
    : spawnSync(command, args, { cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${run.stderr}`);
  const kib = TIME ? Number(run.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, mib: Number.isFinite(kib) ? kib / 1024 : undefined };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs each command RUNS times, interleaved, after one warm-up run each; returns the median samples. */
function race(commands: { command: string; args: string[]; cwd: string; before?: () => void }[]): Sample[] {
  const samples: Sample[][] = commands.map(() => []);
  for (let i = -1; i < RUNS; i++) {
    commands.forEach((c, n) => {
      c.before?.();
      const sample = once(c.command, c.args, c.cwd);
      if (i >= 0) samples[n]!.push(sample);
    });
  }
  return samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    mib: s[0]?.mib === undefined ? undefined : median(s.map((x) => x.mib!)),
  }));
}

function project(name: string, stackText: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `stackgen-bench-${name}-`));
  mkdirSync(path.join(dir, 'stacks'));
  writeFileSync(path.join(dir, 'stacks', `${name}.yaml`), stackText);
  return dir;
}

function syntheticStack(apps: number, networks: number): string {
  const lines = ['name: synthetic', 'backend: jaeger', 'networks:', '  applications:'];
  for (let n = 0; n < networks; n++) lines.push(`    - name: synthetic-apps-${n}`);
  lines.push('apps:');
  for (let a = 0; a < apps; a++) {
    lines.push(
      `  - service: app-${a}`,
      `    networks: [synthetic-apps-${a % networks}]`,
      `    protocol: ${a % 2 ? 'grpc' : 'http'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const verdict = (ratio: number, goal: number) => (ratio <= goal ? 'meets' : 'MISSES');
const line = (name: string, sample: Sample, ratio: string) =>
  `${name.padEnd(44)} ${sample.ms.toFixed(0).padStart(6)} ms${sample.mib ? `  ${sample.mib.toFixed(0).padStart(4)} MiB` : ''}  ${ratio}`;

execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
const empty = mkdtempSync(path.join(tmpdir(), 'stackgen-bench-'));
const node = { command: 'node', args: ['-e', '0'], cwd: empty };
const stackgen = (cwd: string, ...args: string[]) => ({ command: 'node', args: [BIN, ...args], cwd });

console.log(`stackgen on this machine: median of ${RUNS} runs each, interleaved (node ${process.version})\n`);

console.log('Presets: goal at most 1.5 times node -e 0');
for (const file of readdirSync(path.join(ROOT, 'stacks')).filter((f) => f.endsWith('.yaml'))) {
  const name = file.replace('.yaml', '');
  const dir = project(name, readFileSync(path.join(ROOT, 'stacks', file), 'utf8'));
  once('node', [BIN, 'generate'], dir);
  const commands = [['generate'], ['generate', '--check'], ['validate']];
  const [base, ...results] = race([node, ...commands.map((args) => stackgen(dir, ...args))]);
  console.log(line('node -e 0', base!, ''));
  results.forEach((r, i) => {
    const ratio = r.ms / base!.ms;
    console.log(
      line(`${name}: ${commands[i]!.join(' ')}`, r, `${ratio.toFixed(1)}x  ${verdict(ratio, 1.5)}`),
    );
  });
  rmSync(dir, { recursive: true, force: true });
}

console.log('\nApps: goal at most 6 times node -e 0, and at most 3 times a 10-app stack');
const big = project('synthetic', syntheticStack(1000, 100));
const small = project('synthetic', syntheticStack(10, 2));
const first = race([
  node,
  {
    ...stackgen(big, 'generate'),
    before: () => rmSync(path.join(big, 'deploy'), { recursive: true, force: true }),
  },
]);
console.log(
  line(
    '1000 apps, 100 networks: first generate',
    first[1]!,
    `${(first[1]!.ms / first[0]!.ms).toFixed(1)}x node`,
  ),
);
once('node', [BIN, 'generate'], small);
const [base, large, ten] = race([node, stackgen(big, 'generate'), stackgen(small, 'generate')]);
console.log(line('node -e 0', base!, ''));
console.log(line('10 apps, 2 networks: generate', ten!, `${(ten!.ms / base!.ms).toFixed(1)}x node`));
const toNode = large!.ms / base!.ms;
const toTen = large!.ms / ten!.ms;
console.log(
  line(
    '1000 apps, 100 networks: generate',
    large!,
    `${toNode.toFixed(1)}x node  ${verdict(toNode, 6)}; ${toTen.toFixed(1)}x 10 apps  ${verdict(toTen, 3)}`,
  ),
);
for (const dir of [big, small, empty]) rmSync(dir, { recursive: true, force: true });

if (process.env.BENCH_UP === '1') {
  const { benchUp } = await import('./up.bench.js');
  await benchUp();
} else {
  console.log('\nup: set BENCH_UP=1 to measure it against docker compose (needs the Docker engine).');
}

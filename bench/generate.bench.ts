/**
 * npm run bench: wall time of `stackgen generate` as users run it (a fresh node process each time), for
 * every preset and for a synthetic stack of 200 apps on 20 networks, next to the bare start-up time of
 * `node -e 0` on the same machine. Prints numbers; asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/stackgen.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function time(command: string, args: string[], cwd: string, prepare?: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    prepare?.();
    const start = process.hrtime.bigint();
    execFileSync(command, args, { cwd, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

const median = (s: number[]) => s[Math.floor(s.length / 2)]!;
const row = (name: string, s: number[]) =>
  `${name.padEnd(40)} ${median(s).toFixed(0).padStart(7)} ms  (min ${s[0]!.toFixed(0)}, max ${s.at(-1)!.toFixed(0)})`;

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

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });

const cases: [string, string][] = readdirSync(path.join(ROOT, 'stacks'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f.replace('.yaml', ''), readFileSync(path.join(ROOT, 'stacks', f), 'utf8')]);
cases.push(['synthetic (200 apps, 20 networks)', syntheticStack(200, 20)]);

console.log(`stackgen generate, median of ${RUNS} runs on this machine (${process.version})\n`);
const baselineDir = mkdtempSync(path.join(tmpdir(), 'stackgen-bench-'));
console.log(row('node -e 0 (start-up alone)', time('node', ['-e', '0'], baselineDir)));
for (const [name, text] of cases) {
  const dir = project(name.split(' ')[0]!, text);
  const out = path.join(dir, 'deploy');
  console.log(
    row(
      `${name}: first generate`,
      time('node', [BIN, 'generate'], dir, () => rmSync(out, { recursive: true, force: true })),
    ),
  );
  console.log(row(`${name}: generate, nothing changed`, time('node', [BIN, 'generate'], dir)));
  console.log(row(`${name}: generate --check`, time('node', [BIN, 'generate', '--check'], dir)));
  rmSync(dir, { recursive: true, force: true });
}
rmSync(baselineDir, { recursive: true, force: true });

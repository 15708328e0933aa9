/**
 * `stackgen up` against `docker compose up -d --wait` on the same generated files (the Jaeger preset with the
 * integration tests' stand-in images, see test/integration/standins/README.md), each from no containers,
 * alternately, then each again on the running stack. Goal (issue #14): up adds at most 0.3 s.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStandins, STANDINS } from '../test/integration/standins.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/stackgen.js');
const RUNS = Number(process.env.BENCH_UP_RUNS ?? 3);
const NAME = 'sgbench';

const timed = (command: string, args: string[], cwd: string): number => {
  const start = process.hrtime.bigint();
  // stderr is kept for the error a failed run throws.
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(process.hrtime.bigint() - start) / 1e6;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function report(what: string, plain: number[], ours: number[]): void {
  const added = median(ours) - median(plain);
  console.log(`${what}:`);
  console.log(`  docker compose up -d --wait   ${median(plain).toFixed(0).padStart(6)} ms`);
  console.log(`  stackgen up                   ${median(ours).toFixed(0).padStart(6)} ms`);
  console.log(
    `  added by stackgen             ${added.toFixed(0).padStart(6)} ms  ${added <= 300 ? 'meets' : 'MISSES'}`,
  );
}

export async function benchUp(): Promise<void> {
  console.log(`\nup: goal at most 300 ms more than docker compose up -d --wait (median of ${RUNS} each)`);
  await buildStandins();
  const dir = mkdtempSync(path.join(tmpdir(), 'stackgen-bench-up-'));
  mkdirSync(path.join(dir, 'stacks'));
  writeFileSync(
    path.join(dir, 'stacks', `${NAME}.yaml`),
    `name: ${NAME}
backend: jaeger
exposure:
  ports:
    collector: { otlpGrpc: 27317, otlpHttp: 27318, health: 27133 }
    jaeger: { ui: 27686 }
    prometheus: { ui: 27090 }
    grafana: { ui: 27000 }
images:
  overrides:
    otel-collector: ${STANDINS.collector}
    jaeger: ${STANDINS.jaeger}
    prometheus: ${STANDINS.prometheus}
    grafana: ${STANDINS.grafana}
`,
  );
  const compose = ['compose', '-f', `deploy/${NAME}/compose.yaml`];
  const removeAll = () => {
    execFileSync('docker', ['compose', '-p', NAME, 'down', '--volumes'], { stdio: 'ignore' });
    execFileSync('docker', ['volume', 'rm', '-f', `${NAME}_stackgen-env`], { stdio: 'ignore' });
  };
  // What an interrupted earlier run left (its data, marked with a .env that is gone) would refuse this one.
  removeAll();
  try {
    execFileSync('node', [BIN, 'generate'], { cwd: dir, stdio: 'ignore' });
    const plain: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(timed('docker', [...compose, 'up', '-d', '--wait'], dir));
      execFileSync('docker', [...compose, 'down'], { cwd: dir, stdio: 'ignore' });
      ours.push(timed('node', [BIN, 'up'], dir));
      execFileSync('node', [BIN, 'down'], { cwd: dir, stdio: 'ignore' });
    }
    report('from no containers', plain, ours);
    // Again with the stack running: compose has next to nothing to do, so what stackgen adds (its checks
    // before and its summary after) is not lost in the seconds the services take to start.
    execFileSync('docker', [...compose, 'up', '-d', '--wait'], { cwd: dir, stdio: 'ignore' });
    const plainAgain: number[] = [];
    const oursAgain: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plainAgain.push(timed('docker', [...compose, 'up', '-d', '--wait'], dir));
      oursAgain.push(timed('node', [BIN, 'up'], dir));
    }
    report('with the stack running', plainAgain, oursAgain);
  } finally {
    removeAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

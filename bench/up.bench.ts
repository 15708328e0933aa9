/**
 * `stackgen up` against `docker compose up -d --wait` on the same generated files (the Jaeger preset with the
 * integration tests' stand-in images, see test/integration/standins/README.md), each from no containers,
 * alternately, then each again on the running stack. Goal (issue #14): up adds at most 0.3 s.
 *
 * From no containers compose's own run varies by more than that (its wait follows the healthchecks'
 * intervals), so the difference of the medians there says little; that phase also prints stackgen's own
 * time around its compose run, timed by a `docker` in front of the real one on stackgen's PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStandins, STANDINS } from '../test/integration/standins.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/stackgen.js');
const RUNS = Number(process.env.BENCH_UP_RUNS ?? 3);
const NAME = 'sgbench';

const timed = (command: string, args: string[], cwd: string, env = process.env): number => {
  const start = process.hrtime.bigint();
  // stderr is kept for the error a failed run throws.
  execFileSync(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  return Number(process.hrtime.bigint() - start) / 1e6;
};

/**
 * A folder holding a `docker` that runs the real one and appends the start and end (ns) of each
 * `compose … up` run to `log`; the two `date` runs it adds count as stackgen's own time.
 */
function composeTimer(dir: string, log: string): string {
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh
case " $* " in
  *" compose "*" up "*) s=$(date +%s%N); ${real} "$@"; rc=$?; echo "$s $(date +%s%N)" >> ${log}; exit $rc ;;
esac
exec ${real} "$@"
`,
    { mode: 0o755 },
  );
  return bin;
}

/** How long the last `compose … up` in the log ran, in ms. */
function lastComposeRun(log: string): number {
  const [start = 0, end = 0] = readFileSync(log, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return (end - start) / 1e6;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const verdict = (ms: number) => (ms <= 300 ? 'meets' : 'MISSES');

/** The medians of both, and their difference; judged against the goal unless compose's spread hides it. */
function report(what: string, plain: number[], ours: number[], judged = true): void {
  const added = median(ours) - median(plain);
  console.log(`${what}:`);
  console.log(`  docker compose up -d --wait   ${median(plain).toFixed(0).padStart(6)} ms`);
  console.log(`  stackgen up                   ${median(ours).toFixed(0).padStart(6)} ms`);
  console.log(
    `  added by stackgen             ${added.toFixed(0).padStart(6)} ms  ${judged ? verdict(added) : '(not judged: see below)'}`,
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
    const log = path.join(dir, 'compose-runs.log');
    const timedPath = { ...process.env, PATH: `${composeTimer(dir, log)}:${process.env.PATH}` };
    const plain: number[] = [];
    const ours: number[] = [];
    const own: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(timed('docker', [...compose, 'up', '-d', '--wait'], dir));
      execFileSync('docker', [...compose, 'down'], { cwd: dir, stdio: 'ignore' });
      ours.push(timed('node', [BIN, 'up'], dir, timedPath));
      own.push(ours.at(-1)! - lastComposeRun(log));
      execFileSync('node', [BIN, 'down'], { cwd: dir, stdio: 'ignore' });
    }
    report('from no containers', plain, ours, false);
    const spread = Math.max(...plain) - Math.min(...plain);
    const mine = median(own);
    console.log(`  compose alone varied by       ${spread.toFixed(0).padStart(6)} ms  over these runs`);
    console.log(`  stackgen's own, around compose ${mine.toFixed(0).padStart(5)} ms  ${verdict(mine)}`);
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

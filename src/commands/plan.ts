/**
 * `stackgen plan [STACK] [--json] [--exit-code]`: what `generate` would change in the output folder and
 * what `up` would then do on the engine (services created, recreated and why, removed; images pulled; the
 * volumes `down --volumes` would delete), changing nothing. Secrets are named, never shown.
 */
import { createTwoFilesPatch } from 'diff';
import { preflightDocker, type Docker } from '../docker/cli.js';
import { ComposeProject } from '../docker/compose.js';
import { ExitError } from '../errors.js';
import type { CommandContext, Io } from '../io.js';
import type { Stack } from '../model/normalize.js';
import { MANIFEST_PATH, type FileState } from '../output/drift.js';
import { planGeneration } from '../output/generate.js';
import { envFilePath } from '../output/secrets.js';
import { selectStack } from '../runtime/select-stack.js';
import { assertSwarmManager, planOnSwarm } from '../runtime/swarm.js';
import { planServices, serviceLines, type EnginePlan } from '../runtime/service-plan.js';

export interface PlanOptions extends CommandContext {
  stack: string | undefined;
  json: boolean;
  /** Exit with CHANGES_EXIT_CODE when anything would change. */
  exitCode: boolean;
}

/** `plan --exit-code` when something would change: apart from 0 (nothing), 1 (failure) and 2 (bad input). */
export const CHANGES_EXIT_CODE = 3;

export type FileChangeKind = 'create' | 'update' | 'delete';

export interface PlanReport {
  stack: string;
  file: string;
  output: string;
  /** Where the stack runs: `compose` (one engine) or `swarm`. */
  target: Stack['target'];
  files: { path: string; change: FileChangeKind; note?: string; diff?: string }[];
  /** Names of the secrets generate would add to .env; their values are never shown. */
  secretsAdded: string[];
  /** Development certificates generate would create. */
  certificatesCreated: string[];
  engine: EngineReport;
  changes: boolean;
}

/**
 * What `up` would do to the running stack (`planned: true`; on a Swarm, `host` is the manager's address and
 * nothing is pulled by this engine), or why it was not planned: the engine did not answer or is no swarm
 * manager (`reachable: false`), or Compose (docker stack config) refused the files (`reachable: true`, with
 * the engine's host).
 */
export type EngineReport =
  | ({ planned: true; reachable: true; host: string } & EnginePlan)
  | { planned: false; reachable?: boolean; host?: string; reason: string };

const CHANGE_OF: Record<Exclude<FileState['status'], 'current'>, FileChangeKind> = {
  missing: 'create',
  stale: 'update',
  'hand-edited': 'update',
  foreign: 'update',
  orphaned: 'delete',
  'orphaned-edited': 'delete',
};

/** A value for each secret .env does not hold yet: compose needs one to read the file. */
const NEW_SECRET = 'new-secret-made-by-generate';

const notPlanned = (error: unknown, host?: string): EngineReport => {
  if (!(error instanceof ExitError)) throw error;
  return {
    planned: false,
    reachable: host !== undefined,
    ...(host ? { host } : {}),
    reason: error.message,
  };
};

/** What `up` would do to the running stack, or why the engine cannot tell. */
async function planEngine(
  cwd: string,
  stack: Stack,
  compose: string,
  secretsCreated: string[],
): Promise<EngineReport> {
  let docker: Docker;
  try {
    docker = await preflightDocker();
  } catch (error) {
    return notPlanned(error);
  }
  try {
    const project = new ComposeProject(docker, stack, cwd);
    const env = Object.fromEntries(secretsCreated.map((name) => [name, NEW_SECRET]));
    return {
      planned: true,
      reachable: true,
      host: docker.host,
      ...(await planServices(project, compose, env)),
    };
  } catch (error) {
    // The engine answered; Compose (or the engine) refused what it was asked about these files.
    return notPlanned(error, docker.host);
  }
}

/** What `up` would do to the stack on the swarm the Docker CLI points at, or why it cannot tell. */
async function planSwarmEngine(
  cwd: string,
  stack: Stack,
  swarmYaml: string,
  secretsCreated: string[],
): Promise<EngineReport> {
  let manager: { address: string };
  try {
    manager = await assertSwarmManager(stack);
  } catch (error) {
    return notPlanned(error);
  }
  try {
    const env = Object.fromEntries(secretsCreated.map((name) => [name, NEW_SECRET]));
    const services = await planOnSwarm(cwd, stack, swarmYaml, env);
    return { planned: true, reachable: true, host: manager.address, services, pulls: [], volumes: [] };
  } catch (error) {
    return notPlanned(error, manager.address);
  }
}

export async function plan(options: PlanOptions): Promise<PlanReport> {
  const { cwd, io } = options;
  const loaded = await selectStack(cwd, io, options.stack, 'plan', options.invokedIn);
  const { stack } = loaded;
  const generation = await planGeneration(cwd, [loaded], { force: true });
  const outcome = generation.outcomes[0]!;
  const files = outcome.states
    .filter((s) => s.status !== 'current')
    .map((state) => fileChange(stack.output, state));
  const rendered = (file: string) => outcome.states.find((s) => s.path === file)!.rendered!;

  const engine: EngineReport =
    stack.target === 'swarm'
      ? await planSwarmEngine(cwd, stack, rendered('swarm.yaml'), outcome.secretsCreated)
      : await planEngine(cwd, stack, rendered('compose.yaml'), outcome.secretsCreated);
  // A job runs again at every deploy on a Swarm: not a change of the stack.
  const changes =
    files.length > 0 ||
    outcome.secretsCreated.length > 0 ||
    outcome.certificatesCreated.length > 0 ||
    (engine.planned && engine.services.some((s) => s.action !== 'unchanged' && s.action !== 'rerun'));
  const report: PlanReport = {
    stack: stack.name,
    file: stack.sourceFile,
    output: stack.output,
    target: stack.target,
    files,
    secretsAdded: outcome.secretsCreated,
    certificatesCreated: outcome.certificatesCreated,
    engine,
    changes,
  };
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else print(io, report, envFilePath(stack));
  if (options.exitCode && changes) throw new ExitError('', CHANGES_EXIT_CODE);
  return report;
}

function fileChange(output: string, state: FileState): PlanReport['files'][number] {
  const change = CHANGE_OF[state.status as Exclude<FileState['status'], 'current'>];
  const note =
    state.status === 'hand-edited' || state.status === 'orphaned-edited'
      ? 'changed by hand: generate needs --force'
      : state.status === 'foreign'
        ? 'not written by stackgen: generate needs --force'
        : undefined;
  // The manifest lists the others' hashes: its diff says nothing new.
  if (state.path === MANIFEST_PATH) return { path: state.path, change };
  // A link or a folder where a file belongs is never read, let alone printed.
  if (state.notAFile) return { path: state.path, change, note: `a ${state.notAFile} on disk, not a file` };
  const file = `${output}/${state.path}`;
  const diff = createTwoFilesPatch(
    state.disk === undefined ? '/dev/null' : file,
    state.rendered === undefined ? '/dev/null' : file,
    state.disk ?? '',
    state.rendered ?? '',
    '',
    '',
    { context: 3 },
  )
    .split('\n')
    .filter((line) => !/^(Index: |={10,}$)/.test(line))
    .join('\n');
  return { path: state.path, change, ...(note ? { note } : {}), diff };
}

function print(io: Io, report: PlanReport, envFile: string): void {
  io.out(`Plan for ${report.stack} (${report.file}):`);
  const fileLines = [
    ...report.files.map((f) => `  ${f.change.padEnd(8)} ${f.path}${f.note ? ` (${f.note})` : ''}`),
    ...(report.secretsAdded.length
      ? [
          `  append   ${envFile.slice(report.output.length + 1)}: ${report.secretsAdded.join(', ')} (random values, not shown)`,
        ]
      : []),
    ...report.certificatesCreated.map((c) => `  create   ${c} (development certificate)`),
  ];
  io.out(
    fileLines.length
      ? `Files in ${report.output} ("stackgen generate" would):\n${fileLines.join('\n')}`
      : `Files in ${report.output}: up to date.`,
  );
  const { engine } = report;
  if (!engine.planned) {
    const where = engine.host ? ` on ${engine.host}` : '';
    io.out(`The running stack${where}: not planned (${engine.reason.split('\n')[0]}).`);
  } else {
    const where = report.target === 'swarm' ? `the swarm of manager ${engine.host}` : engine.host;
    io.out(`The running stack on ${where} ("stackgen up" would):`);
    for (const line of serviceLines(engine.services)) io.out(line);
    if (engine.pulls.length)
      io.out(`  pull      ${[...new Set(engine.pulls.map((p) => p.image))].join(', ')}`);
    if (engine.volumes.length)
      io.out(
        `  "stackgen down --volumes" would delete ${engine.volumes.map((v) => `${v.name} (${v.size})`).join(', ')}`,
      );
  }
  for (const f of report.files.filter((f) => f.diff)) io.out(`\n${f.diff!.trimEnd()}`);
  if (!report.changes) io.out('No changes.');
}

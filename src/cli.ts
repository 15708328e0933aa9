/**
 * The command table. Each action normalizes its flags and lazy-loads its command module, so start-up
 * only pays for the command that runs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import type { Io } from './io.js';
import { BACKENDS } from './model/constants.js';
import { findProjectRoot } from './project-root.js';
import { VERSION } from './version.js';

export function buildProgram(io: Io): Command {
  const program = new Command('stackgen')
    .description('Generate, check and run an OpenTelemetry observability stack from one typed stack file.')
    .version(VERSION, '-V, --version')
    .option('-C, --cwd <dir>', 'run as if started in <dir> (the project root)')
    .showHelpAfterError('(run "stackgen --help" for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  const context = () => {
    const invokedIn = path.resolve(program.opts<{ cwd?: string }>().cwd ?? process.cwd());
    return { cwd: findProjectRoot(invokedIn), invokedIn, io };
  };

  program
    .command('init')
    .description('write stacks/<name>.yaml from a backend preset and generate the stack')
    .addOption(new Option('-b, --backend <backend>', 'trace backend (required)').choices(BACKENDS))
    .option(
      '-n, --name <name>',
      'stack name: file name, compose project name, output folder',
      'observability',
    )
    .option('-f, --force', 'replace an existing stack file and overwrite edited output files')
    .action(async (opts: { backend?: string; name: string; force?: boolean }) => {
      if (opts.backend === undefined) {
        const { UsageError } = await import('./errors.js');
        throw new UsageError(
          `init needs --backend, one of ${BACKENDS.join(', ')}: e.g. "stackgen init --backend jaeger"`,
        );
      }
      const { init } = await import('./commands/init.js');
      await init({ ...context(), backend: opts.backend, name: opts.name, force: Boolean(opts.force) });
    });

  program
    .command('generate')
    .description('render stack files into their output folders (all of stacks/*.yaml by default)')
    .argument('[stack-files...]', 'stack files to render')
    .option('--check', 'write nothing; exit 1 listing files that are missing, stale, hand-edited or orphaned')
    .option('-f, --force', 'overwrite hand-edited files and delete edited orphans')
    .action(async (files: string[], opts: { check?: boolean; force?: boolean }) => {
      const { generate } = await import('./commands/generate.js');
      await generate({ ...context(), files, check: Boolean(opts.check), force: Boolean(opts.force) });
    });

  program
    .command('validate')
    .description('check stack files and what they render to; writes nothing')
    .argument('[stack-files...]', 'stack files to check')
    .action(async (files: string[]) => {
      const { validate } = await import('./commands/validate.js');
      await validate({ ...context(), files });
    });

  program
    .command('schema')
    .description("print the stack file's JSON schema")
    .action(async () => {
      const { schema } = await import('./commands/schema.js');
      schema({ io });
    });

  program
    .command('certs')
    .description('make the development CA and server certificates of a stack with TLS on')
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .option('--renew', 'replace them all with a new CA')
    .action(async (stack: string | undefined, opts: { renew?: boolean }) => {
      const { certs } = await import('./commands/certs.js');
      await certs({ ...context(), stack, renew: Boolean(opts.renew) });
    });

  program
    .command('env')
    .description('print the OTEL_* variables an application needs to send to the stack')
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .addOption(
      new Option(
        '--from <where>',
        'where the app runs: in a container on the stack networks, or on this machine',
      )
        .choices(['network', 'host'])
        .default('network'),
    )
    .option('--app <service>', 'an app from the stack file: adds its service name and resource attributes')
    .addOption(
      new Option('--protocol <protocol>', "OTLP protocol (default: the app's, else http)").choices([
        'grpc',
        'http',
      ]),
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['dotenv', 'json', 'shell']).default('dotenv'),
    )
    .action(
      async (
        stack: string | undefined,
        opts: {
          from: 'network' | 'host';
          app?: string;
          protocol?: 'grpc' | 'http';
          format: 'dotenv' | 'json' | 'shell';
        },
      ) => {
        const { env } = await import('./commands/env.js');
        await env({ ...context(), stack, ...opts });
      },
    );

  program
    .command('up')
    .description('start the stack with docker compose and wait until every service is healthy')
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .addOption(
      new Option('--wait-timeout <seconds>', 'how long to wait for the services to be healthy')
        .default(180)
        .argParser(positiveInteger('--wait-timeout')),
    )
    .option('--keep-on-failure', 'leave a stack that failed to start as it is, for inspection')
    .option(
      '--new-secrets',
      'keep the data volumes with a .env made anew: the stored passwords take its secrets',
    )
    .action(
      async (
        stack: string | undefined,
        opts: { waitTimeout: number; keepOnFailure?: boolean; newSecrets?: boolean },
      ) => {
        const { up } = await import('./commands/up.js');
        await up({
          ...context(),
          stack,
          waitTimeout: opts.waitTimeout,
          keepOnFailure: Boolean(opts.keepOnFailure),
          newSecrets: Boolean(opts.newSecrets),
        });
      },
    );

  program
    .command('down')
    .description("stop and remove the stack's containers and networks (data volumes are kept)")
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .option('--volumes', 'also delete the data volumes (asks first on a terminal)')
    .option('-y, --yes', 'do not ask before deleting volumes')
    .action(async (stack: string | undefined, opts: { volumes?: boolean; yes?: boolean }) => {
      const { down } = await import('./commands/down.js');
      await down({ ...context(), stack, volumes: Boolean(opts.volumes), yes: Boolean(opts.yes) });
    });

  program
    .command('plan')
    .description('what generate would change in the output folder, and what up would then do on the engine')
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .option('--json', 'print one JSON object (shape documented in the README)')
    .option('--exit-code', 'exit with 3 when anything would change (0: nothing would)')
    .action(async (stack: string | undefined, opts: { json?: boolean; exitCode?: boolean }) => {
      const { plan } = await import('./commands/plan.js');
      await plan({ ...context(), stack, json: Boolean(opts.json), exitCode: Boolean(opts.exitCode) });
    });

  program
    .command('status')
    .description("each service's state, health and published ports")
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .option('--json', 'print one JSON object (shape documented in the README)')
    .action(async (stack: string | undefined, opts: { json?: boolean }) => {
      const { status } = await import('./commands/status.js');
      await status({ ...context(), stack, json: Boolean(opts.json) });
    });

  program
    .command('verify')
    .description(
      'check the running stack hop by hop with a synthetic span: collector, backend, metrics, Grafana',
    )
    .argument('[stack]', 'stack name or file (default: the only stack in stacks/)')
    .option(
      '--app <name>',
      'check an app of the stack file instead: its container, networks, OTEL_* variables and spans',
    )
    .option('--json', 'print one JSON object (shape documented in the README)')
    .addOption(
      new Option('--timeout <seconds>', 'how long the backend and Prometheus get to show the span')
        .default(60)
        .argParser(positiveInteger('--timeout')),
    )
    .action(async (stack: string | undefined, opts: { app?: string; json?: boolean; timeout: number }) => {
      const { verify } = await import('./commands/verify.js');
      await verify({ ...context(), stack, app: opts.app, json: Boolean(opts.json), timeout: opts.timeout });
    });

  program
    .command('logs')
    .description("the services' logs")
    .argument('[stack-and-services...]', 'an optional stack name, then services (default: all)')
    .option('-f, --follow', 'keep printing new lines')
    .option('--tail <lines>', 'only the last lines of each service (a number, or all)', (value: string) => {
      if (!/^(\d+|all)$/.test(value))
        throw new InvalidArgumentError('--tail expects a number of lines, or all');
      return value;
    })
    .action(async (words: string[], opts: { follow?: boolean; tail?: string }) => {
      const { logs } = await import('./commands/logs.js');
      await logs({ ...context(), words, follow: Boolean(opts.follow), tail: opts.tail });
    });

  return program;
}

/** A day: longer waits are mistakes, and Node's timers end early past about 24.8 days. */
const MAX_SECONDS = 86_400;

function positiveInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number <= 0 || number > MAX_SECONDS)
      throw new InvalidArgumentError(`${flag} expects a whole number of seconds from 1 to ${MAX_SECONDS}`);
    return number;
  };
}

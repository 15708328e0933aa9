/**
 * `stackgen env [STACK] [--from network|host] [--app NAME] [--protocol grpc|http] [--format dotenv|json|shell]`:
 * the OTEL_* variables an application needs to send to the stack. Reads the stack file only; needs no
 * Docker.
 */
import { UsageError } from '../errors.js';
import type { CommandContext } from '../io.js';
import { otelEnvironment, publishedOtlpPort, type EnvTarget, type Protocol } from '../render/otel-env.js';
import { findApp, selectStack } from '../runtime/select-stack.js';

export type EnvFormat = 'dotenv' | 'json' | 'shell';

export interface EnvOptions extends CommandContext {
  stack: string | undefined;
  from: EnvTarget['from'];
  app?: string;
  /** Default: the app's protocol, else http. */
  protocol?: Protocol;
  format: EnvFormat;
}

export async function env(options: EnvOptions): Promise<void> {
  const { cwd, io } = options;
  const { stack } = await selectStack(cwd, io, options.stack, 'env', options.invokedIn);
  const app = options.app === undefined ? undefined : findApp(stack, options.app);
  const protocol = options.protocol ?? app?.protocol ?? 'http';
  if (options.from === 'host' && publishedOtlpPort(stack, protocol) === false) {
    const key = protocol === 'grpc' ? 'otlpGrpc' : 'otlpHttp';
    throw new UsageError(
      `OTLP over ${protocol} is not published to the host in the ${stack.name} stack ` +
        `(${stack.sourceFile}: exposure.ports.collector.${key} is false); use --from network, ` +
        `or publish the port and run "stackgen generate"`,
    );
  }
  const variables = otelEnvironment(stack, { from: options.from, protocol, app, projectRoot: cwd });
  io.out(format(variables, options.format));
}

export function format(variables: [string, string][], as: EnvFormat): string {
  switch (as) {
    case 'json':
      return JSON.stringify(Object.fromEntries(variables), null, 2);
    case 'shell':
      return variables.map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n');
    case 'dotenv':
      return variables.map(([name, value]) => `${name}=${dotenvValue(name, value)}`).join('\n');
  }
}

/** Taken literally by POSIX shells, newlines included. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@,=%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value Docker Compose's env files and the dotenv libraries read the same way: plain when it holds
 * nothing special, else in single quotes (taken literally).
 */
function dotenvValue(name: string, value: string): string {
  if (/^[A-Za-z0-9_./:@,=%+-]*$/.test(value)) return value;
  // Readers disagree on a backslash before the closing quote (Compose reads it as an escape).
  if (!/['\r\n\\]/.test(value)) return `'${value}'`;
  throw new UsageError(
    `${name} holds a quote, a backslash or a line break, which dotenv files cannot carry the same way for every reader; ` +
      'use --format json or --format shell',
  );
}

/**
 * Entry point: runs the CLI and turns every outcome into an exit code. The only place that decides them:
 * 0 success; 1 a check or an operation failed; 2 invalid input or usage; 3 `plan --exit-code` found changes.
 */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import { ExitError, InternalError } from './errors.js';
import { printable, processIo, type Io } from './io.js';
import { directOutput } from './output-streams.js';

// bin/stackgen.js keeps V8's compiled code in the cache folder the way the caches of src/ keep theirs.
export { missedCache, writeCacheEntry } from './cache-folder.js';
export { afterOutput } from './output-streams.js';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo) directOutput();
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return exitCodeFor(error, io);
  }
}

function exitCodeFor(error: unknown, io: Io): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; --help and --version end here too.
    return error.exitCode === 0 ? 0 : 2;
  }
  // Messages quote names and file contents the user gave: their escape sequences never reach the terminal.
  if (error instanceof ExitError) {
    if (error.message) io.err(printable(error.message, { lines: true }));
    return error.exitCode;
  }
  if (error instanceof InternalError) {
    io.err(
      `${printable(error.message, { lines: true })}\nThis is a bug in stackgen. Please report it, with the stack file if you can.`,
    );
    return 1;
  }
  io.err(
    `stackgen failed unexpectedly. This is a bug; please report it with this trace:\n${(error as Error).stack ?? String(error)}`,
  );
  return 1;
}

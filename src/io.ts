/**
 * Where commands print. Results go to `out` (stdout); warnings, progress and errors to `err` (stderr).
 * Tests pass a capture instead of the process streams.
 */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal: progress lines are redrawn in place. */
  interactive: boolean;
  /** Asks the user on a terminal; absent when nobody can answer (no terminal, CI). */
  ask?(question: string): Promise<string>;
  /** Writes raw text to stderr (terminal control sequences for live progress). */
  write?(text: string): void;
}

const terminal = Boolean(process.stdin.isTTY && process.stderr.isTTY);

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY),
  write: (text) => process.stderr.write(text),
  ask: terminal ? ask : undefined,
};

async function ask(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** Options every command takes: the project root and where to print. */
export interface CommandContext {
  cwd: string;
  io: Io;
}

import { write } from './output-streams.js';

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

export const processIo: Io = {
  out: (line) => write(1, `${line}\n`),
  err: (line) => write(2, `${line}\n`),
  // Asked only by the commands that redraw progress: it opens process.stderr (output-streams.ts).
  get interactive() {
    return Boolean(process.stderr.isTTY);
  },
  write: (text) => write(2, text),
  // Asked only by the commands that may ask: opening stdin costs every other command time.
  get ask() {
    return process.stdin.isTTY && process.stderr.isTTY ? ask : undefined;
  },
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
  /** The project root (the nearest folder up holding stacks/, see findProjectRoot). */
  cwd: string;
  io: Io;
  /** Where the command was run, when below the root: stack files named on the command line are relative to it. */
  invokedIn?: string;
}

/**
 * Text safe to print on a terminal: control characters (escape sequences, CR, line breaks) become \u
 * escapes. `lines` keeps line breaks, for messages of several lines.
 */
export function printable(text: string, options: { lines?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\t' || (c === '\n' && options.lines) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * How the CLI writes to its standard output and error. Opening process.stdout or process.stderr makes node
 * load its stream and socket modules, which costs a short command (a `generate` with nothing to do) about
 * as much as the rest of its work; so, while no code has opened them, a line goes straight to file
 * descriptor 1 or 2, synchronously, as node's own streams write to files, pipes and terminals on Linux. Once
 * a stream is open (a library wrote to it), or a descriptor would block (a full non-blocking pipe), the
 * stream takes every write, so output keeps its order.
 *
 * Either way, when the reader goes away (`stackgen status | head -1`), the run ends quietly, as other CLIs
 * do, with the exit code it had.
 */
import { writeSync } from 'node:fs';

const STREAMS = { 1: 'stdout', 2: 'stderr' } as const;
type Fd = keyof typeof STREAMS;

/** Whether each stream is open; until directOutput(), they are taken as open (tests, a library's use). */
const opened: Record<Fd, boolean> = { 1: true, 2: true };

const stream = (fd: Fd) => process[STREAMS[fd]];

/** For the CLI's own process only: writes go to the descriptors until their stream is opened. */
export function directOutput(): void {
  for (const fd of [1, 2] as const) {
    const original = Object.getOwnPropertyDescriptor(process, STREAMS[fd]);
    if (!original?.get || !original.configurable) continue;
    opened[fd] = false;
    Object.defineProperty(process, STREAMS[fd], {
      ...original,
      get() {
        const opening = original.get!.call(process) as NodeJS.WriteStream;
        if (!opened[fd]) {
          opened[fd] = true;
          opening.on('error', (error: NodeJS.ErrnoException) => {
            if (error.code === 'EPIPE') readerGone();
            throw error;
          });
        }
        return opening;
      },
    });
  }
}

export function write(fd: Fd, text: string): void {
  const bytes = Buffer.from(text);
  let done = 0;
  if (!opened[fd]) {
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') readerGone();
      if (code !== 'EAGAIN') throw error;
    }
  }
  // All of it through an open stream; or the rest, which the stream keeps until a full pipe takes it.
  stream(fd).write(bytes.subarray(done));
}

/** Calls back once all that was written is out: at once, unless a stream is open and holds some. */
export function afterOutput(done: () => void): void {
  const flush = (fd: Fd, next: () => void) => (opened[fd] ? stream(fd).write('', next) : next());
  flush(1, () => flush(2, done));
}

function readerGone(): never {
  process.exit(process.exitCode ?? 0);
}

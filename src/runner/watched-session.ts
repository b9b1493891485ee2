import { Progress } from './progress.js';
import { countStates, type SessionOptions, type SessionResult, type StopSignal, startSession } from './session.js';

/** Where a session's stop requests come from: calls `stop` for each, and returns the function that stops listening. */
export type StopRequests = (stop: (signal: StopSignal) => void) => () => void;

/** Where a watched session shows how it goes: the CLI's stderr, or a Python driver's (through the engine). */
export interface SessionConsole {
  /** A terminal gets a live progress line; anything else a line every 30 s. */
  tty: boolean;
  /** No progress at all (-q). */
  quiet: boolean;
  write(text: string): void;
  /** Hands the log the function that takes the live line off the screen before a log line (undefined: none any more). */
  clearBeforeLogLines(clear: (() => void) | undefined): void;
}

/**
 * Runs a session as `labbook run` and `labbook worker` do: progress (a live line on a
 * terminal, periodic lines elsewhere, none when quiet), log lines printed above it, and stop
 * requests: the first SIGINT stops claiming and lets running runs finish (unless
 * killOnInterrupt); another, or a SIGTERM, stops them, and the progress line says which.
 */
export async function runWatchedSession(
  options: SessionOptions,
  console: SessionConsole,
  stopRequests: StopRequests,
): Promise<SessionResult> {
  const filter = options.experiments ? { experiments: options.experiments } : {};
  const progress = new Progress({
    tty: console.tty,
    write: (text) => console.write(text),
    counts: () => countStates(options.store, filter),
    now: () => options.clock.now(),
  });
  console.clearBeforeLogLines(() => progress.clear());
  const session = startSession({
    ...options,
    onEvent: (event) => {
      if (event.type === 'finished') progress.runFinished();
      options.onEvent?.(event);
    },
  });
  const stopListening = stopRequests((signal) => {
    const { kill, running } = session.interrupt(signal);
    progress.setNote(
      kill
        ? `stopping ${running} running runs; they go back to the queue`
        : `stopping: waiting for ${running} running runs to finish (Ctrl-C again to stop them)`,
    );
  });
  if (!console.quiet) progress.start();
  try {
    return await session.result;
  } finally {
    stopListening();
    await progress.stop();
    console.clearBeforeLogLines(undefined);
  }
}

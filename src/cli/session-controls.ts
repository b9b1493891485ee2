import { countStates, type SessionOptions, type SessionResult, type StopSignal, startSession } from '../runner/session.js';
import type { CommandContext } from './context.js';
import { Progress } from './output/progress.js';

const PROCESS_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Where a session's stop requests come from: calls `stop` for each, and returns the function that stops listening. */
export type StopRequests = (stop: (signal: StopSignal) => void) => () => void;

/**
 * Runs a session as `labbook run` and `labbook worker` do: progress on stderr (a live line on a
 * terminal, periodic lines elsewhere, none with -q), log lines printed above it, and Ctrl-C:
 * once, stop claiming and let running runs finish (or stop them with --kill-on-interrupt);
 * twice, or SIGTERM / SIGHUP, stop them.
 */
export function runSessionHere(ctx: CommandContext, options: Omit<SessionOptions, 'log'>): Promise<SessionResult> {
  return runSessionWith(ctx, options, listenToProcessSignals);
}

/**
 * The same, with stop requests from elsewhere: the resident engine runs a Python driver's
 * session so, its stderr and its Ctrl-C being the driver's (src/engine/driver-sessions.ts).
 */
export async function runSessionWith(
  ctx: CommandContext,
  options: Omit<SessionOptions, 'log'>,
  stopRequests: StopRequests,
): Promise<SessionResult> {
  const filter = options.experiments ? { experiments: options.experiments } : {};
  const progress = new Progress({
    tty: Boolean((ctx.stderr as { isTTY?: boolean }).isTTY),
    write: (text) => ctx.stderr.write(text),
    counts: () => countStates(options.store, filter),
    now: () => ctx.clock.now(),
  });
  ctx.logSink.beforeLine = () => progress.clear();
  const session = startSession({
    ...options,
    log: ctx.log,
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
  if (!ctx.quiet) progress.start();
  try {
    return await session.result;
  } finally {
    stopListening();
    await progress.stop();
    ctx.logSink.beforeLine = undefined;
  }
}

function listenToProcessSignals(stop: (signal: StopSignal) => void): () => void {
  const listeners = PROCESS_SIGNALS.map((signal) => [signal, (): void => stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM')] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

import type { SessionOptions, SessionResult, StopSignal } from '../runner/session.js';
import { runWatchedSession } from '../runner/watched-session.js';
import type { CommandContext } from './context.js';

const PROCESS_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a session as `labbook run` and `labbook worker` do (runWatchedSession) on stderr, with
 * -q for no progress, and Ctrl-C: once, stop claiming and let running runs finish (or stop
 * them with --kill-on-interrupt); twice, or SIGTERM / SIGHUP, stop them.
 */
export function runSessionHere(ctx: CommandContext, options: Omit<SessionOptions, 'log'>): Promise<SessionResult> {
  const console = {
    tty: Boolean((ctx.stderr as { isTTY?: boolean }).isTTY),
    quiet: ctx.quiet,
    write: (text: string) => void ctx.stderr.write(text),
    clearBeforeLogLines: (clear: (() => void) | undefined) => {
      ctx.logSink.beforeLine = clear;
    },
  };
  return runWatchedSession({ ...options, log: ctx.log }, console, listenToProcessSignals);
}

function listenToProcessSignals(stop: (signal: StopSignal) => void): () => void {
  const listeners = PROCESS_SIGNALS.map((signal) => [signal, (): void => stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM')] as const);
  for (const [signal, listener] of listeners) process.on(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

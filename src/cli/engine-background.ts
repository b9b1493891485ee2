import { appendFileSync } from 'node:fs';
import { DEFAULT_IDLE_TIMEOUT_MS, enginePaths, errorBody, type RunningEngine, serveEngine } from '../engine/index.js';
import { LabbookError, UsageError } from '../errors.js';
import { parseDuration } from '../spec/duration.js';
import { type CliContext, storeDirOf } from './context.js';
import type { BackgroundServeOptions } from './engine-background-args.js';
import { reportError } from './report-error.js';

/** Node's timers hold at most 2^31 - 1 ms (24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `labbook engine serve --background`, as clients start the engine: it says on stdout, as one
 * JSON line, that it is ready or why it is not, and logs to the engine's log file (so that any
 * client can start it with one process). The CLI's entry runs it without building the whole
 * command line (~20 ms sooner) when the arguments are only that; `engine serve` runs it too.
 */
export async function serveInBackground(ctx: CliContext, options: BackgroundServeOptions): Promise<number> {
  const storeDir = storeDirOf(ctx, options);
  let running: RunningEngine;
  try {
    running = await serveHere(ctx, storeDir, options, appendingTo(storeDir, ctx.env));
  } catch (error) {
    if (!(error instanceof LabbookError)) throw error;
    ctx.stdout.write(`${JSON.stringify({ error: errorBody(error) })}\n`);
    return error.exitCode;
  }
  ctx.stdout.write(`${JSON.stringify({ ready: running.status() })}\n`);
  return untilStopped(running);
}

/** The engine of the store at `storeDir`, served in this process; its log lines, timestamped, go to `write`. */
export function serveHere(
  ctx: CliContext,
  storeDir: string,
  options: BackgroundServeOptions,
  write: (line: string) => void,
): Promise<RunningEngine> {
  return serveEngine({
    storeDir,
    env: ctx.env,
    idleTimeoutMs: idleTimeoutMs(options, ctx.env),
    log: (message) => write(`${new Date(ctx.clock.now()).toISOString()} ${message}\n`),
    clock: ctx.clock,
    ...(options.codeCache && { codeCache: options.codeCache }),
  });
}

/** serveInBackground as the CLI's entry runs it: a mistake (no store here) is reported as every command reports it. */
export function serveInBackgroundProcess(ctx: CliContext, args: readonly string[], options: BackgroundServeOptions): Promise<number> {
  return serveInBackground(ctx, options).catch((error: unknown) => reportError(ctx, args, error));
}

/** --idle-timeout, else $LABBOOK_ENGINE_IDLE_TIMEOUT, else the default; a malformed one says which it was. */
export function idleTimeoutMs(options: { idleTimeout?: string }, env: NodeJS.ProcessEnv): number {
  const [text, source, example] =
    options.idleTimeout !== undefined
      ? [options.idleTimeout, '--idle-timeout', '--idle-timeout 10m']
      : [env.LABBOOK_ENGINE_IDLE_TIMEOUT, 'LABBOOK_ENGINE_IDLE_TIMEOUT', 'LABBOOK_ENGINE_IDLE_TIMEOUT=10m'];
  if (text === undefined || text === '') return DEFAULT_IDLE_TIMEOUT_MS;
  const ms = (parseDuration(text) ?? Number.NaN) * 1000;
  if (!(ms > 0 && ms <= MAX_TIMER_MS)) {
    throw new UsageError(`${source} '${text}' is not a duration between 1ms and 24 days; write e.g. ${example} (units ms, s, m, h, d)`);
  }
  return ms;
}

/** Serves until the engine stops by itself (idle, store gone, `engine stop`) or is interrupted. */
export async function untilStopped(engine: RunningEngine): Promise<number> {
  const interrupt = (signal: NodeJS.Signals) => engine.stop(`received ${signal}`);
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  try {
    await engine.stopped;
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  }
  return 0;
}

/**
 * Appends lines to the log file of the store's engine (mode 0600). Opened per line, after
 * serveEngine made the engine's directory: the engine logs a few lines per client at most.
 */
function appendingTo(storeDir: string, env: NodeJS.ProcessEnv): (line: string) => void {
  let log: string | undefined;
  return (line) => {
    log ??= enginePaths(storeDir, env).log;
    appendFileSync(log, line, { mode: 0o600 });
  };
}

import { type Clock, systemClock } from '../queue/clock.js';
import { locateStore, openStore, type StoreLocationOptions } from '../store/open-store.js';
import type { Store } from '../store/types.js';
import type { Log } from '../util/log.js';
import type { LogOptions, LogSink } from './log.js';

/** What a command needs from its surroundings; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  clock: Clock;
}

/** What a command's action gets: the surroundings, and the log its options and LABBOOK_LOG tuned. */
export interface CommandContext extends CliContext {
  log: Log;
  logSink: LogSink;
  /** -q: no notes and no progress, only warnings, errors and the results. */
  quiet: boolean;
}

/** Options every command accepts (commander's optsWithGlobals). */
export interface GlobalOptions extends LogOptions {
  store?: string;
  json?: boolean;
  debug?: boolean;
}

export function processContext(): CliContext {
  return { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr, clock: systemClock };
}

export function print(ctx: CliContext, text: string): void {
  ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** NDJSON: one compact document per line, for output that is a stream of records (runs, log lines). */
export function printJsonLines(ctx: CliContext, values: Iterable<unknown>): void {
  for (const value of values) printJsonLine(ctx, value);
}

export function printJsonLine(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Where the options say the store is: `--store`, else $LABBOOK_STORE, else found upwards from the working directory. */
export function storeLocation(ctx: CliContext, options: GlobalOptions): StoreLocationOptions {
  return { cwd: ctx.cwd, env: ctx.env, ...(options.store !== undefined && { store: options.store }) };
}

/** The directory of the store the options point at, without opening it (StoreNotFoundError when there is none). */
export function storeDirOf(ctx: CliContext, options: GlobalOptions): string {
  return locateStore(storeLocation(ctx, options));
}

/** Opens the store the options point at, runs `work`, and always closes it. */
export async function withStore<T>(ctx: CliContext, options: GlobalOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storeLocation(ctx, options));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

import { pino } from 'pino';
import { UsageError } from '../errors.js';
import type { Log } from '../util/log.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['human', 'json'] as const;

/** The global options that tune the log (see `labbook --help`). */
export interface LogOptions {
  verbose?: boolean;
  quiet?: boolean;
  logFormat?: string;
}

/**
 * Where log lines go: stderr, after whatever must come off the screen first (the live progress
 * line). Set `beforeLine` to clear it; the line it hid is redrawn at its next tick.
 */
export class LogSink {
  beforeLine: (() => void) | undefined;

  constructor(
    private readonly stderr: Pick<NodeJS.WritableStream, 'write'>,
    private readonly human: boolean,
  ) {}

  write(json: string): void {
    this.beforeLine?.();
    this.stderr.write(this.human ? humanLine(json) : json);
  }
}

/** `labbook: warning: …`: what the CLI has always printed; info is a plain note. */
function humanLine(json: string): string {
  const { level, msg } = JSON.parse(json) as { level: string; msg: string };
  const label = level === 'info' ? '' : `${level === 'warn' ? 'warning' : level}: `;
  return `labbook: ${label}${msg}\n`;
}

/**
 * The level: -q (warnings and errors) or -v (debug too) if given, else LABBOOK_LOG, else info.
 * An unknown LABBOOK_LOG is a usage error rather than a silent default.
 */
export function logLevel(options: LogOptions, env: NodeJS.ProcessEnv): LogLevel {
  if (options.verbose && options.quiet) throw new UsageError('-v/--verbose and -q/--quiet contradict each other: give one');
  if (options.verbose) return 'debug';
  if (options.quiet) return 'warn';
  const wanted = env.LABBOOK_LOG?.trim().toLowerCase();
  if (!wanted) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(wanted)) {
    throw new UsageError(`LABBOOK_LOG='${env.LABBOOK_LOG}' is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  }
  return wanted as LogLevel;
}

export function logFormat(options: LogOptions, env: NodeJS.ProcessEnv): 'human' | 'json' {
  const format = (options.logFormat ?? env.LABBOOK_LOG_FORMAT ?? 'human').trim().toLowerCase();
  if (format !== 'human' && format !== 'json') {
    throw new UsageError(`--log-format '${format}' is not a log format; use human or json`);
  }
  return format;
}

/** One logger per command: human lines by default, JSON lines (pino's, with ISO times) with --log-format json. */
export function createLog(
  stderr: Pick<NodeJS.WritableStream, 'write'>,
  options: LogOptions,
  env: NodeJS.ProcessEnv,
): { log: Log; sink: LogSink } {
  const sink = new LogSink(stderr, logFormat(options, env) === 'human');
  const logger = pino(
    {
      level: logLevel(options, env),
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    sink,
  );
  return {
    log: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
    sink,
  };
}

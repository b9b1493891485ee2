import { writeFile } from 'node:fs/promises';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunRecord } from '../domain/index.js';
import { LabbookError, SpecError, UsageError } from '../errors.js';
import type { SessionOptions, SessionResult } from '../runner/session.js';
import { sessionExitStatus, sessionOutcome, sessionReport, sessionSummary } from '../runner/session-summary.js';
import { parseDuration } from '../spec/duration.js';
import { parseNotifyOption } from '../spec/notify-config.js';
import type { NotifyConfig } from '../spec/types.js';
import { positiveInteger } from './command-kit.js';
import { type CliContext, printJson } from './context.js';
import { addMachineFlags, type MachineFlags, machineOf } from './machine-options.js';

/** Options shared by `labbook run` and `labbook worker`. */
export interface EngineOptions extends MachineFlags {
  jobs?: string;
  lease?: string;
  killOnInterrupt?: boolean;
  preemptGrace?: string;
  maxRuns?: string;
  notify?: string[];
  report?: string;
}

export function addEngineOptions(command: Command): Command {
  return addMachineFlags(command)
    .option('-j, --jobs <n>', `runs at a time (default: the number of CPUs, ${availableParallelism()} here)`)
    .option('--kill-on-interrupt', 'on Ctrl-C, stop running runs at once (default: let them finish; a second Ctrl-C stops them)')
    .option(
      '--preempt-grace <duration>',
      "on SIGTERM (a scheduler's cancel, time limit or preemption), how long runs that ask 'preempted' have to checkpoint and exit",
      '30s',
    )
    .option('--max-runs <n>', 'stop after starting this many runs')
    .option('--lease <duration>', 'how long a run stays claimed without a heartbeat before another worker may take it over', '30s')
    .option(
      '--notify <channel>',
      "announce failed runs and the end: console, webhook=URL or email=ADDR[,ADDR] (repeatable; replaces the spec's notify:)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--report <file>',
      "also write the outcome as JSON to FILE: counts, failures, the ids of the runs started here ('started') and the runs " +
        "as 'labbook ls --json' shows them ('runs': every run of the experiments; for 'run', those of the spec's settings " +
        "and command), or the error that stopped it ('error': code and message); for scripts that drive the engine",
    );
}

/** `--notify` values, or `fallback` (the spec's notify:, console by default) when none is given. */
function parseNotify(values: readonly string[], env: NodeJS.ProcessEnv, fallback: readonly NotifyConfig[]): NotifyConfig[] {
  return values.length > 0 ? values.map((value) => parseNotifyOption(value, env)) : [...fallback];
}

/** What `run` and `worker` take from their flags, checked before the store is opened. */
export type EngineSettings = Omit<SessionOptions, 'store' | 'experiments' | 'wait' | 'waitForOthers' | 'log'>;

export function engineSettings(ctx: CliContext, options: EngineOptions, defaultNotify: readonly NotifyConfig[]): EngineSettings {
  const maxRuns = parseMaxRuns(options.maxRuns);
  return {
    clock: ctx.clock,
    host: hostname(),
    pid: process.pid,
    cwd: ctx.cwd,
    env: ctx.env,
    slots: parseJobs(options.jobs),
    leaseMs: parseLeaseMs(options.lease),
    killOnInterrupt: options.killOnInterrupt ?? false,
    preemptGraceMs: parsePreemptGraceMs(options.preemptGrace),
    machine: machineOf(ctx, options),
    notify: parseNotify(options.notify ?? [], ctx.env, defaultNotify),
    ...(maxRuns !== undefined && { maxRuns }),
  };
}

function parseJobs(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  return positiveInteger(text, '--jobs', 'labbook run sweep.yaml -j 4');
}

function parseMaxRuns(text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveInteger(text, '--max-runs', 'labbook worker --max-runs 100');
}

function parseLeaseMs(text: string | undefined): number {
  const seconds = parseDuration(text ?? '30s');
  if (seconds === undefined || seconds < 1) {
    throw new UsageError(`--lease '${text}' is not a duration of at least 1s; write e.g. --lease 30s, --lease 2m`);
  }
  return seconds * 1000;
}

/** Milliseconds of a --preempt-grace duration (of `labbook run`, `worker`, and the workers `submit` and `sub` start). */
export function parsePreemptGraceMs(text: string | undefined): number {
  const seconds = parseDuration(text ?? '30s');
  if (seconds === undefined) {
    throw new UsageError(`--preempt-grace '${text}' is not a duration; write e.g. --preempt-grace 30s, --preempt-grace 2m (0s: no grace)`);
  }
  return seconds * 1000;
}

/**
 * The end of a session: counts, failures with their first error line, and the exit status;
 * with --report, the same and the runs `runs` lists in a file.
 */
export async function reportSession(
  ctx: CliContext,
  options: EngineOptions & { json?: boolean },
  result: SessionResult,
  runs: () => Promise<RunRecord[]>,
): Promise<number> {
  if (options.report) await writeReport(ctx, options.report, await sessionReport(result, runs));
  if (options.json) printJson(ctx, sessionOutcome(result));
  // A summary, not a result: stdout stays for --json.
  else ctx.stderr.write(sessionSummary(result));
  return sessionExitStatus(result);
}

/**
 * Runs a `labbook run` / `labbook worker` action; with --report, an error that stops it (a
 * spec problem, a usage mistake) also goes to the report file, as `{"error": {"code",
 * "message", "issues"?}}`, for the program that asked for the report (a Python driver raises it).
 */
export async function reportingErrors(ctx: CliContext, options: EngineOptions, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (options.report && error instanceof LabbookError) {
      const issues = error instanceof SpecError ? { issues: error.issues } : {};
      await writeReport(ctx, options.report, { error: { code: error.code, message: error.message, ...issues } }).catch(() => {});
    }
    throw error;
  }
}

async function writeReport(ctx: CliContext, report: string, content: object): Promise<void> {
  const file = resolve(ctx.cwd, report);
  await writeFile(file, `${JSON.stringify(content)}\n`).catch((error: Error) => {
    throw new UsageError(`--report: cannot write ${file} (${error.message}); give a file in an existing, writable directory`);
  });
}

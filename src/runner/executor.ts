import type { RunRecord } from '../domain/index.js';
import type { ExperimentSpec, JsonValue } from '../spec/types.js';
import type { RunRecorder } from './run-recorder.js';

/** Why a worker stops a run before it ends by itself. */
export type StopReason = 'timeout' | 'interrupt' | 'lease-lost';

/** How a run ended, as its executor saw it (the worker turns this into the store's outcome). */
export type RunEnd =
  | { ok: true; result: JsonValue | null; exitCode: number | null }
  /**
   * `reason` says how it ended (`exit status 3`, `killed by SIGSEGV`, `exception`); `error` what it said (stderr tail, stack).
   * `signal`: what killed its process, when a signal did. `notStarted`: it never began (it
   * waited in a slot that went away, or was stopped while it waited): it goes back to the queue as it was.
   */
  | { ok: false; reason: string; error: string; exitCode: number | null; signal?: string; notStarted?: true };

/** The end of a run that never began (`why`: what took it back); it goes back to the queue as it was. */
export function notStarted(why: string): RunEnd {
  return { ok: false, notStarted: true, reason: 'not started', error: why, exitCode: null };
}

export interface RunTask {
  run: RunRecord;
  spec: ExperimentSpec;
  /** `<store>/runs/<id>`: made before the run starts, or for a Python driver's run once it writes something. */
  runDir: string;
  recorder: RunRecorder;
  /** The GPU devices lent to the run (its CUDA_VISIBLE_DEVICES), when its spec names resources and the worker packs runs. */
  devices?: readonly string[];
  /** Where the run starts, when not in the worker's directory: in its spec version's code snapshot. */
  cwd?: string;
  /** The answer to the run's `preempted` request (src/runner/preemption.ts); false when absent. */
  preempted?: () => boolean;
}

export interface Execution {
  /** Resolves when the run has ended and everything it sent is recorded. */
  ended: Promise<RunEnd>;
  /** Resolves when the run begins, when that is later than its start (it waits in a slot's queue); never, if it does not. */
  begun?: Promise<void>;
  /** Ends the run early: politely first, then by force after a grace period. */
  stop(reason: StopReason): void;
  /**
   * Takes the run back if it has not begun (it ends `notStarted`). One that began meanwhile,
   * before its executor heard of it, goes on: Ctrl-C lets begun runs finish.
   */
  withdraw(): void;
}

/** Runs claimed runs of one kind (commands, functions). */
export interface Executor {
  start(task: RunTask): Execution;
  close(): Promise<void>;
}

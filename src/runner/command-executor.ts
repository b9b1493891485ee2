import { join } from 'node:path';
import { runArgv, runEnvironment } from './command-line.js';
import { type Execution, type Executor, notStarted, type RunEnd, type RunTask, type StopReason } from './executor.js';
import { monitorGroup, terminateGroup } from './process-group.js';
import { serveChannel } from './run-channel.js';
import { Spawner, SpawnFailure } from './spawner.js';
import { readStderrTail, stderrStartOf } from './stderr-tail.js';

export interface CommandExecutorOptions {
  /** Working directory of every run (the project directory). */
  cwd: string;
  /** The worker's environment; each run gets it plus its LABBOOK_* variables. */
  env: NodeJS.ProcessEnv;
  storeDir: string;
  /** Time between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number;
  now: () => number;
  /** Answers a run's `should_prune` (a study's pruner on its trial, see src/study); never prunes when absent. */
  shouldPrune?: PruneHook;
}

export type PruneHook = (runId: number, step: number, value: number) => Promise<boolean>;

/** How long the channel may stay open after the run exited (a straggler holding fd 3). */
const CHANNEL_DRAIN_MS = 2_000;

/**
 * Runs a spec's `command` as a process in its own process group, with stdout and stderr
 * appended to files in the run directory and the fd-3 channel served (docs/protocol.md).
 */
export class CommandExecutor implements Executor {
  private constructor(
    private readonly spawner: Spawner,
    private readonly options: CommandExecutorOptions,
  ) {}

  /** `slots`: at most that many runs execute at once; the others wait in the launcher, in order. */
  static create(options: CommandExecutorOptions, slots: number): CommandExecutor {
    const env = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return new CommandExecutor(Spawner.start(env, slots), options);
  }

  start(task: RunTask): Execution {
    const { run, spec, runDir, recorder } = task;
    const builtins = { run_id: run.id, run_dir: runDir, experiment: run.experiment, attempt: run.attempt };
    const stderrPath = join(runDir, 'stderr.log');
    const spawned = this.spawner.spawn({
      argv: runArgv(spec.command ?? [], run.params, spec.settings, builtins),
      cwd: task.cwd ?? this.options.cwd,
      env: { ...runEnvironment(run, spec.settings, builtins, this.options.storeDir, task.devices), LABBOOK_CHANNEL_FD: '3' },
      stdoutPath: join(runDir, 'stdout.log'),
      stderrPath,
    });
    let pid: number | undefined;
    let stopped: StopReason | undefined;
    const terminate = () => terminateGroup(pid, this.options.killGraceMs);
    const begun = Promise.withResolvers<void>();
    const ended = (async (): Promise<RunEnd> => {
      const stderrStart = stderrStartOf(stderrPath, run.attempt);
      try {
        pid = await spawned.started; // rejects when lb-spawn died: the worker stops
      } catch (error) {
        if (!(error instanceof SpawnFailure)) throw error;
        begun.resolve();
        return { ok: false, reason: 'spawn', error: error.message, exitCode: null };
      }
      if (pid === undefined) return notStarted('stopped before it began');
      begun.resolve();
      if (stopped) terminate();
      const stopMonitor = monitorGroup(pid, recorder);
      const { shouldPrune } = this.options;
      const channel = serveChannel(spawned.connection, recorder, {
        now: this.options.now,
        ...(shouldPrune && { shouldPrune: (step: number, value: number) => shouldPrune(run.id, step, value) }),
        ...(task.preempted && { preempted: task.preempted }),
      });
      // lb-spawn killed what the run left behind in its group before it said so.
      const status = await spawned.exited.finally(stopMonitor);
      const drained = await drainWithin(channel, CHANNEL_DRAIN_MS);
      if (!drained) {
        recorder.log('warning', 'the fd-3 channel stayed open after the run exited (a process outside its group holds it); closed it');
        spawned.hangUp();
        await channel;
      }
      if (status.code === 0) return { ok: true, result: recorder.result, exitCode: 0 };
      const error = await readStderrTail(stderrPath, stderrStart);
      if (status.signal) return { ok: false, reason: `killed by ${status.signal}`, error, exitCode: null, signal: status.signal };
      return { ok: false, reason: `exit status ${status.code}`, error, exitCode: status.code };
    })();
    return {
      ended,
      begun: begun.promise,
      stop(reason) {
        if (stopped) return;
        stopped = reason;
        if (pid === undefined)
          spawned.cancel(); // if it starts meanwhile, it is terminated as it starts
        else terminate();
      },
      // lb-spawn drops it if it still waits there; one it started meanwhile goes on (not `stopped`).
      withdraw: () => spawned.cancel(),
    };
  }

  close(): Promise<void> {
    return this.spawner.close();
  }
}

/** True when `channel` ended within `ms`; the timer is cleared either way (a run must not hold the process). */
function drainWithin(channel: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([channel.then(() => true), late]).finally(() => clearTimeout(timer));
}

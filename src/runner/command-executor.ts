import { join } from 'node:path';
import { runArgv, runEnvironment } from './command-line.js';
import type { Execution, Executor, RunEnd, RunTask, StopReason } from './executor.js';
import { monitorGroup, signalGroup, terminateGroup } from './process-group.js';
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
  private readonly env: Record<string, string>;

  private constructor(
    private readonly spawner: Spawner,
    private readonly options: CommandExecutorOptions,
  ) {
    this.env = Object.fromEntries(Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  }

  static async create(options: CommandExecutorOptions): Promise<CommandExecutor> {
    return new CommandExecutor(await Spawner.start(options.env), options);
  }

  start(task: RunTask): Execution {
    let pid: number | undefined;
    let stopped: StopReason | undefined;
    const terminate = () => terminateGroup(pid, this.options.killGraceMs);
    const ended = (async (): Promise<RunEnd> => {
      const { run, spec, runDir, recorder } = task;
      const builtins = { run_id: run.id, run_dir: runDir, experiment: run.experiment, attempt: run.attempt };
      const argv = runArgv(spec.command ?? [], run.params, spec.settings, builtins);
      const stderrPath = join(runDir, 'stderr.log');
      const stderrStart = stderrStartOf(stderrPath, run.attempt);
      let spawned: Awaited<ReturnType<Spawner['spawn']>>;
      try {
        spawned = await this.spawner.spawn({
          argv,
          cwd: task.cwd ?? this.options.cwd,
          env: { ...this.env, ...runEnvironment(run, spec.settings, builtins, this.options.storeDir, task.devices) },
          stdoutPath: join(runDir, 'stdout.log'),
          stderrPath,
        });
      } catch (error) {
        if (error instanceof SpawnFailure) return { ok: false, reason: 'spawn', error: error.message, exitCode: null };
        throw error;
      }
      pid = spawned.pid;
      if (stopped) terminate();
      const stopMonitor = monitorGroup(pid, recorder);
      const { shouldPrune } = this.options;
      const channel = serveChannel(spawned.connection, recorder, {
        now: this.options.now,
        ...(shouldPrune && { shouldPrune: (step: number, value: number) => shouldPrune(run.id, step, value) }),
        ...(task.preempted && { preempted: task.preempted }),
      });
      const status = await spawned.exited.finally(stopMonitor); // rejects when lb-spawn died: the worker stops
      signalGroup(pid, 'SIGKILL'); // what the run left behind in its group goes with it
      const drained = await drainWithin(channel, CHANNEL_DRAIN_MS);
      if (!drained) {
        recorder.log('warning', 'the fd-3 channel stayed open after the run exited (a process outside its group holds it); closed it');
        spawned.connection.socket.destroy();
        await channel;
      }
      if (status.code === 0) return { ok: true, result: recorder.result, exitCode: 0 };
      const how = status.signal ? `killed by ${status.signal}` : `exit status ${status.code}`;
      return { ok: false, reason: how, error: await readStderrTail(stderrPath, stderrStart), exitCode: status.code };
    })();
    return {
      ended,
      stop(reason) {
        if (stopped) return;
        stopped = reason;
        terminate();
      },
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

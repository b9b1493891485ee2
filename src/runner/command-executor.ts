import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ResourceMonitor } from '../track/resource-monitor.js';
import { runArgv, runEnvironment } from './command-line.js';
import type { Execution, Executor, RunEnd, RunTask, StopReason } from './executor.js';
import { serveChannel } from './run-channel.js';
import { Spawner, SpawnFailure } from './spawner.js';

export interface CommandExecutorOptions {
  /** Working directory of every run (the project directory). */
  cwd: string;
  /** The worker's environment; each run gets it plus its LABBOOK_* variables. */
  env: NodeJS.ProcessEnv;
  storeDir: string;
  /** Time between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number;
  now: () => number;
}

/** How long the channel may stay open after the run exited (a straggler holding fd 3). */
const CHANNEL_DRAIN_MS = 2_000;
const STDERR_TAIL_BYTES = 4_096;
const STDERR_TAIL_LINES = 20;
/** How often a run's CPU and memory are sampled (as sys.* metrics). */
const MONITOR_INTERVAL_MS = 2_000;

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
    const signalGroup = (signal: NodeJS.Signals) => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const terminate = () => {
      signalGroup('SIGTERM');
      setTimeout(() => signalGroup('SIGKILL'), this.options.killGraceMs ?? 5_000).unref();
    };
    const ended = (async (): Promise<RunEnd> => {
      const { run, spec, runDir, recorder } = task;
      const builtins = { run_id: run.id, run_dir: runDir, experiment: run.experiment, attempt: run.attempt };
      const argv = runArgv(spec.command ?? [], run.params, spec.settings, builtins);
      const stderrPath = join(runDir, 'stderr.log');
      // Where this attempt's stderr starts (a first attempt starts a new file: no syscall needed).
      const stderrStart = run.attempt > 1 ? sizeOf(stderrPath) : 0;
      let spawned: Awaited<ReturnType<Spawner['spawn']>>;
      try {
        spawned = await this.spawner.spawn({
          argv,
          cwd: this.options.cwd,
          env: { ...this.env, ...runEnvironment(run.params, spec.settings, builtins, this.options.storeDir) },
          stdoutPath: join(runDir, 'stdout.log'),
          stderrPath,
        });
      } catch (error) {
        if (error instanceof SpawnFailure) return { ok: false, reason: 'spawn', error: error.message, exitCode: null };
        throw error;
      }
      pid = spawned.pid;
      if (stopped) terminate();
      // Sampling starts after one interval: short runs never pay for a /proc scan.
      const monitor = new ResourceMonitor({ pid, intervalMs: MONITOR_INTERVAL_MS, onSample: (points) => recorder.metrics(points) });
      const monitorStart = setTimeout(() => monitor.start(), MONITOR_INTERVAL_MS).unref();
      const channel = serveChannel(spawned.connection, recorder, { now: this.options.now });
      const status = await spawned.exited;
      clearTimeout(monitorStart);
      monitor.stop();
      signalGroup('SIGKILL'); // what the run left behind in its group goes with it
      const drained = await drainWithin(channel, CHANNEL_DRAIN_MS);
      if (!drained) {
        recorder.log('warning', 'the fd-3 channel stayed open after the run exited (a process outside its group holds it); closed it');
        spawned.connection.socket.destroy();
        await channel;
      }
      if (status.code === 0) return { ok: true, result: recorder.result, exitCode: 0 };
      const how = status.signal ? `killed by ${status.signal}` : `exit status ${status.code}`;
      return { ok: false, reason: how, error: await readTail(stderrPath, stderrStart), exitCode: status.code };
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

function sizeOf(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

/** The last lines the run wrote to stderr in this attempt (where a traceback lands). */
async function readTail(path: string, from: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const start = Math.max(from, size - STDERR_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').trimEnd().split('\n');
    return lines.slice(-STDERR_TAIL_LINES).join('\n');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

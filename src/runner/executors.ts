import type { ExperimentSpec } from '../spec/types.js';
import type { PythonInfo } from '../track/environment.js';
import { CommandExecutor, type CommandExecutorOptions } from './command-executor.js';
import { DRIVER_SOCKET_VARIABLE, DriverExecutor, driverCommandLine, driverPython } from './driver-executor.js';
import type { Executor } from './executor.js';
import { FunctionExecutor } from './function-executor.js';
import { DriverNotRunningError } from './runner-errors.js';
import { requireSpawner } from './spawner.js';
import type { ExecutorFactory } from './worker.js';

export interface ExecutorsOptions extends CommandExecutorOptions {
  /** The worker's slots: each executor runs at most that many runs at once, and queues the others. */
  slots: number;
  /** The Python driver's executor, made (and its slots opened) before the session; closed with the others. */
  driver?: DriverExecutor;
}

/**
 * The most runs a worker hands each slot at once (WorkerOptions.runsPerSlot): every executor
 * queues runs beyond its slots (lb-spawn, the function threads, a Python driver's slots), so a
 * slot begins the next as soon as one ends, without waiting for the worker.
 */
export const EXECUTOR_RUNS_PER_SLOT = 8;

/** A worker's executors, each started the first time a run needs it. */
export class Executors implements ExecutorFactory {
  private commands: CommandExecutor | undefined;
  private functions: FunctionExecutor | undefined;
  private driver: DriverExecutor | undefined;

  constructor(private readonly options: ExecutorsOptions) {
    this.driver = options.driver;
  }

  async forSpec(spec: ExperimentSpec): Promise<Executor> {
    if (spec.command) {
      this.commands ??= CommandExecutor.create(this.options, this.options.slots);
      return this.commands;
    }
    if (spec.driver) {
      const socketPath = this.options.env[DRIVER_SOCKET_VARIABLE];
      if (!socketPath) throw new DriverNotRunningError(spec.name);
      this.driver ??= new DriverExecutor({ ...this.options, socketPath, processes: this.options.slots });
      return this.driver;
    }
    this.functions ??= new FunctionExecutor(this.options.cwd, this.options.slots);
    return this.functions;
  }

  /** Throws when runs of `spec` cannot execute here: a command needs the process launcher. */
  assertCanExecute(spec: ExperimentSpec): void {
    if (spec.command) requireSpawner(this.options.env, spec.name);
  }

  commandLineOf(spec: ExperimentSpec): readonly string[] {
    if (spec.command) return spec.command;
    return spec.driver ? driverCommandLine(this.options.env) : [spec.function ?? ''];
  }

  pythonOf(spec: ExperimentSpec): PythonInfo | undefined {
    return spec.driver ? driverPython(this.options.env) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all([this.commands?.close(), this.functions?.close(), this.driver?.close()]);
  }
}

import { EnvironmentError, LabbookError } from '../errors.js';

/** lb-spawn, the compiled process launcher, is not where the build puts it. */
export class SpawnerMissingError extends LabbookError {
  readonly code = 'LB_SPAWNER_MISSING';
  override readonly exitCode = 1;
  constructor(readonly path: string) {
    super(
      `the process launcher ${path} is missing: labbook's build compiles it with the C compiler (cc). ` +
        "Run 'make build' in the labbook checkout (install gcc first if it is absent), or set LABBOOK_SPAWNER to its path.",
    );
  }
}

/**
 * lb-spawn ended while the worker still needed it (killed alone, e.g. by the OOM killer): the
 * worker has killed the process groups of the runs it started, and stops.
 */
export class SpawnerLostError extends EnvironmentError {
  readonly code = 'LB_SPAWNER_LOST';
  constructor(pid: number | undefined, how: string) {
    super(
      `the process launcher lb-spawn (pid ${pid ?? '?'}) was ${how} while runs were going; the worker killed them (they go back ` +
        'to the queue) and stopped. Run the command again to go on; if it happens again, look for what kills lb-spawn ' +
        "(the kernel's OOM killer says so in dmesg).",
    );
  }
}

/** An experiment in the store that no worker can execute (no command and no function). */
export class NotRunnableError extends LabbookError {
  readonly code = 'LB_EXPERIMENT_NOT_RUNNABLE';
  constructor(
    readonly experiment: string,
    detail: string,
  ) {
    super(`experiment '${experiment}' cannot be run by a worker: ${detail}`);
  }
}

/** A spec's `function:` module could not be loaded or does not export a function. */
export class FunctionLoadError extends LabbookError {
  readonly code = 'LB_FUNCTION_INVALID';
  constructor(reference: string, detail: string) {
    super(`function '${reference}': ${detail}. Give it as path/to/module.ts#exportName, exporting async (ctx, config) => result.`);
  }
}

/**
 * Runs of a Python driver (`driver: python`) reached a worker that has no driver to execute
 * them: they are given back untouched, for the script that added them.
 */
export class DriverNotRunningError extends LabbookError {
  readonly code = 'LB_DRIVER_NOT_RUNNING';
  constructor(readonly experiment: string) {
    super(
      `experiment '${experiment}' is executed by the Python script that added it (labbook.run, @labbook.experiment or a ` +
        'compat layer), in its own processes; run that script to execute its runs',
    );
  }
}

import { EnvironmentError, LabbookError } from '../errors.js';
import { PACKAGE_ROOT_PATH } from '../package-files.js';

/**
 * lb-spawn, the compiled process launcher, is not where the build puts it: a worker that may
 * claim command runs refuses before claiming any (`experiment` names one that needs it).
 */
export class SpawnerMissingError extends EnvironmentError {
  readonly code = 'LB_SPAWNER_MISSING';
  constructor(
    readonly path: string,
    experiment?: string,
  ) {
    super(
      `the process launcher ${path} is missing${experiment ? `: runs of experiment '${experiment}' need it` : ''}. ` +
        `Run 'make build' in ${PACKAGE_ROOT_PATH} (it compiles the launcher with the C compiler, cc: install gcc first ` +
        'if it is absent), or set LABBOOK_SPAWNER to its path.',
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

/** A spec that says nothing about how its runs execute (no command, function or driver): its runs wait, untouched. */
export class NothingToExecuteError extends LabbookError {
  readonly code = 'LB_EXPERIMENT_NOT_RUNNABLE';
  constructor(readonly experiment: string) {
    super(
      `experiment '${experiment}': its spec has no command or function, so its runs wait in the queue; add one ` +
        '(e.g. command: python train.py --lr {lr}) and add the spec again',
    );
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
      `experiment '${experiment}': its runs execute in the Python script that added it (labbook.run, @labbook.experiment ` +
        'or a compat layer), in its own processes; run that script to execute them',
    );
  }
}

/**
 * A run of a code snapshot on a worker that does not have the snapshot's directory (one that
 * does not share the store's directory): given back untouched, for workers that have it.
 */
export class CodeSnapshotMissingError extends LabbookError {
  readonly code = 'LB_EXPERIMENT_NOT_RUNNABLE';
  constructor(
    readonly experiment: string,
    directory: string,
  ) {
    super(
      `experiment '${experiment}': its runs execute the code snapshot ${directory}, which is not on this machine; ` +
        "run them on a worker that shares the store's directory",
    );
  }
}

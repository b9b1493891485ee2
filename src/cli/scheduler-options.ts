import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { CLI_PATH } from '../package-files.js';
import { type Scheduler, schedulerNamed, type WorkerJob } from '../scheduler/index.js';
import { describeSubmission } from '../scheduler/submit-job.js';
import type { CliContext } from './context.js';
import { parsePreemptGraceMs } from './engine-options.js';

/** Flags `submit` and `sub` share: where and how the workers' job goes. */
export interface SchedulerFlags {
  scheduler: string;
  partition?: string;
  time?: string;
  gres?: string;
  sbatchArg?: string[];
  preemptGrace?: string;
  dryRun?: boolean;
}

export function addSchedulerOptions(command: Command): Command {
  return command
    .option('--scheduler <name>', "the cluster's batch scheduler: slurm, sge, pbs (Torque), lsf or oar", 'slurm')
    .option('--partition <name>', 'the partition (Slurm) or queue (the others) of the job')
    .option('--time <limit>', "the job's time limit, in the scheduler's syntax (Slurm: 2:00:00 or 1-00:00:00)")
    .option('--gres <spec>', "Slurm's generic resources per task, e.g. gpu:1 (default: the spec's resources.gpus)")
    .option(
      '--sbatch-arg <arg>',
      'one more argument of the submit command (sbatch, qsub, bsub or oarsub), e.g. --sbatch-arg=--account=proj1 (repeatable)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--preempt-grace <duration>',
      "the workers' --preempt-grace: how long runs that ask 'preempted' have to checkpoint and exit once a worker gets SIGTERM (default 30s)",
    )
    .option('--dry-run', 'print the job script and the command that would submit it; submit nothing, add nothing');
}

/** The scheduler the flags name, with the flags that only some schedulers take checked. */
export function schedulerOf(flags: SchedulerFlags): Scheduler {
  const scheduler = schedulerNamed(flags.scheduler);
  if (flags.preemptGrace !== undefined) parsePreemptGraceMs(flags.preemptGrace);
  if (flags.gres !== undefined && scheduler.name !== 'slurm') {
    throw new UsageError(`--gres is Slurm's; for ${scheduler.name}, say the GPUs a run needs in the spec (resources: {gpus: 1})`);
  }
  return scheduler;
}

/**
 * The job of `workers` workers of `experiment` on the store in `storeDir`. Each runs this
 * labbook (the same Node and CLI: the cluster's nodes see the same files) with -j 1: the task
 * holds what one run needs. The workers run in `cwd`, the project directory as submitted.
 */
export function workerJob(
  flags: SchedulerFlags,
  job: Pick<WorkerJob, 'name' | 'workers' | 'cwd' | 'logDir' | 'directives' | 'cpus' | 'gpus' | 'memoryMb'>,
  storeDir: string,
  workerFlags: readonly string[] = [],
): WorkerJob {
  return {
    ...job,
    workerCommand: [
      ...[process.execPath, CLI_PATH, '--store', storeDir, 'worker', '-e', job.name, '-j', '1', ...workerFlags],
      ...(flags.preemptGrace !== undefined ? ['--preempt-grace', flags.preemptGrace] : []),
    ],
    ...(flags.partition !== undefined && { partition: flags.partition }),
    ...(flags.time !== undefined && { time: flags.time }),
    ...(flags.gres !== undefined && { gres: flags.gres }),
    submitArgs: flags.sbatchArg ?? [],
  };
}

/** Prints what --dry-run shows: the script, then the command as a comment. */
export function printDryRun(ctx: CliContext, scheduler: Scheduler, job: WorkerJob, scriptPath: string, json: boolean | undefined): void {
  const { script, command } = describeSubmission(scheduler, job, scriptPath);
  if (json) ctx.stdout.write(`${JSON.stringify({ scheduler: scheduler.name, script, command }, null, 2)}\n`);
  else ctx.stdout.write(`${script}\n# submit with:\n# ${command}\n`);
}

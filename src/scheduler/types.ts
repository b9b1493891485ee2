/** The schedulers labbook can submit workers to. */
export const SCHEDULER_NAMES = ['slurm', 'sge', 'pbs', 'lsf', 'oar'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/**
 * A job of `workers` tasks, each a `labbook worker` pulling runs from the store: a 10,000-run
 * grid is one job of N tasks, not 10,000 jobs. What it asks of the cluster per task comes from
 * the spec's `resources` and the command line.
 */
export interface WorkerJob {
  /** The job's name in the scheduler's listings (the experiment's). */
  name: string;
  workers: number;
  /** One worker's command line; every task runs the same one. */
  workerCommand: readonly string[];
  /** The directory the workers run in (the project's, as submitted). */
  cwd: string;
  /** Where each task's stdout and stderr go. */
  logDir: string;
  /** Per task: CPUs, GPUs, memory in MiB. */
  cpus?: number;
  gpus?: number;
  memoryMb?: number;
  /** The job's time limit, in the scheduler's own syntax (`--time`). */
  time?: string;
  /** The partition (Slurm) or queue (the others). */
  partition?: string;
  /** Slurm's generic resources (`--gres gpu:a100:1`), instead of the spec's `gpus`. */
  gres?: string;
  /** Native directive lines kept as written (`labbook sub`: the script's `#SBATCH` lines). */
  directives: readonly string[];
  /** Extra arguments of the submit command (`--sbatch-arg`). */
  submitArgs: readonly string[];
}

/** A command to run: its argv, and the file its stdin reads when it reads the script there (LSF's `bsub < script`). */
export interface SchedulerCommand {
  argv: readonly string[];
  stdinFile?: string;
}

/** What the scheduler says of one task of a job; `state` is its own word (RUNNING, PENDING, COMPLETED…). */
export interface TaskStatus {
  task: string;
  state: string;
  /** Why it waits, or the node it runs on, when the scheduler says. */
  detail?: string;
}

/**
 * One batch scheduler: the native script that starts a job's workers, the command that
 * submits it, and how to read, query and cancel the jobs it made. Only Slurm runs here (the
 * tests' single-node cluster); the others are checked by golden files of their scripts.
 */
export interface Scheduler {
  readonly name: SchedulerName;
  /** The directive prefix of its scripts (`#SBATCH`), which `labbook sub` keeps. */
  readonly directivePrefix: string;
  script(job: WorkerJob): string;
  submitCommand(job: WorkerJob, scriptPath: string): SchedulerCommand;
  /** The job ids in what the submit command printed; empty when there are none. */
  jobIdsOf(submitOutput: string): string[];
  /** The ids of a job's tasks, as its status listing names them. */
  taskIdsOf(jobIds: readonly string[], workers: number): string[];
  statusCommand(jobIds: readonly string[]): SchedulerCommand;
  /** The tasks the status listing shows; tasks it no longer lists have ended. */
  parseStatus(output: string): TaskStatus[];
  cancelCommand(jobIds: readonly string[]): SchedulerCommand;
}

import { SchedulerCommandError } from '../errors.js';
import { schedulerNamed } from './index.js';
import type { JobRecord } from './jobs-file.js';
import { runSchedulerCommand } from './run-command.js';
import type { TaskStatus } from './types.js';

/** One worker task of a submission, with what its scheduler says of it now. */
export interface JobTaskRow extends TaskStatus {
  scheduler: string;
  experiment: string;
  job: string;
}

/**
 * The state a scheduler no longer lists: it forgets finished jobs a while after they end
 * (Slurm's MinJobAge; the recipe's cluster has no accounting database to ask instead).
 */
export const FINISHED = 'FINISHED';

/** The states of tasks that have ended, as the schedulers name them while they still list them. */
const ENDED = new Set([
  FINISHED,
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'PREEMPTED',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'BOOT_FAIL',
  'DEADLINE',
  'DONE',
  'EXIT',
  'TERMINATED',
  'ERROR',
]);

export function hasEnded(state: string): boolean {
  return ENDED.has(state);
}

/** What the answers of finished or forgotten jobs look like (Slurm, PBS): nothing of them is listed. */
const FORGOTTEN = /invalid job id|unknown job id/i;

/** Every task of the records, its state joined from one status query per scheduler. */
export function jobStatuses(records: readonly JobRecord[], env: NodeJS.ProcessEnv): JobTaskRow[] {
  const listed = new Map<string, TaskStatus>();
  for (const name of new Set(records.map((record) => record.scheduler))) {
    const scheduler = schedulerNamed(name);
    const command = scheduler.statusCommand(records.filter((record) => record.scheduler === name).flatMap((record) => record.jobIds));
    const result = runSchedulerCommand(scheduler, command, env);
    if (result.status !== 0 && !FORGOTTEN.test(result.stderr)) {
      throw new SchedulerCommandError(command.argv[0] as string, result.stderr, 'the state of the jobs is unknown');
    }
    for (const status of scheduler.parseStatus(result.stdout)) listed.set(`${name}:${status.task}`, status);
  }
  return records.flatMap((record) =>
    record.tasks.map((task) => ({
      scheduler: record.scheduler,
      experiment: record.experiment,
      job: record.jobIds.join(','),
      ...(listed.get(`${record.scheduler}:${task}`) ?? { task, state: FINISHED }),
    })),
  );
}

import { SchedulerCommandError, UsageError } from '../errors.js';
import { schedulerNamed } from './index.js';
import { hasEnded, jobStatuses } from './job-status.js';
import type { JobRecord } from './jobs-file.js';
import { runSchedulerCommand } from './run-command.js';

/**
 * Cancels the recorded jobs with a task that has not ended (or, with `only`, those of these job
 * ids), one cancel command per scheduler; returns the job ids cancelled. Their workers get
 * SIGTERM and give their runs back to the queue.
 */
export function cancelJobs(records: readonly JobRecord[], only: readonly string[] | undefined, env: NodeJS.ProcessEnv): string[] {
  const known = new Set(records.flatMap((record) => record.jobIds));
  const unknown = only?.filter((id) => !known.has(id)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError(`job ${unknown.join(', ')} was not submitted from this store (labbook jobs lists those that were)`);
  }
  const running = new Set(
    jobStatuses(records, env)
      .filter((row) => !hasEnded(row.state))
      .map((row) => `${row.scheduler}:${row.job}`),
  );
  const chosen = only
    ? records.filter((record) => record.jobIds.some((id) => only.includes(id)))
    : records.filter((record) => running.has(`${record.scheduler}:${record.jobIds.join(',')}`));
  const cancelled: string[] = [];
  for (const name of new Set(chosen.map((record) => record.scheduler))) {
    const scheduler = schedulerNamed(name);
    const ids = chosen
      .filter((record) => record.scheduler === name)
      .flatMap((record) => record.jobIds.filter((id) => !only || only.includes(id)));
    const command = scheduler.cancelCommand(ids);
    const result = runSchedulerCommand(scheduler, command, env);
    if (result.status !== 0) {
      throw new SchedulerCommandError(command.argv[0] as string, result.stderr, 'some jobs may still run (labbook jobs shows them)');
    }
    cancelled.push(...ids);
  }
  return cancelled;
}

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchedulerCommandError } from '../errors.js';
import { type JobRecord, jobsDirectory, recordJob } from './jobs-file.js';
import { describeCommand, runSchedulerCommand } from './run-command.js';
import { shellLine } from './shell-words.js';
import type { Scheduler, SchedulerCommand, WorkerJob } from './types.js';

/** Where a submission's script goes and its tasks write their output, in the store's jobs directory. */
export function jobPaths(storeDir: string, name: string, submittedAt: number): { script: string; logDir: string } {
  const dir = jobsDirectory(storeDir);
  return { script: join(dir, `${name}-${submittedAt}.sh`), logDir: join(dir, 'logs') };
}

/** The script and the command that would submit it, as --dry-run prints them. */
export function describeSubmission(scheduler: Scheduler, job: WorkerJob, scriptPath: string): { script: string; command: string } {
  return { script: scheduler.script(job), command: describeCommand(scheduler.submitCommand(job, scriptPath), shellLine) };
}

/**
 * Writes the job's script (kept: it says what ran), submits it, and records the jobs the
 * scheduler made in the store's jobs file. A refusal is SchedulerCommandError with the
 * scheduler's own message.
 */
export function submitJob(
  scheduler: Scheduler,
  job: WorkerJob,
  placement: { storeDir: string; scriptPath: string; experiment: string; submittedAt: number },
  env: NodeJS.ProcessEnv,
): JobRecord {
  mkdirSync(job.logDir, { recursive: true });
  writeFileSync(placement.scriptPath, scheduler.script(job));
  chmodSync(placement.scriptPath, 0o755);
  const command: SchedulerCommand = scheduler.submitCommand(job, placement.scriptPath);
  const result = runSchedulerCommand(scheduler, command, env);
  const jobIds = result.status === 0 ? scheduler.jobIdsOf(result.stdout) : [];
  if (jobIds.length === 0) {
    const detail = result.status === 0 ? `it printed no job id (${result.stdout.trim() || 'nothing'})` : result.stderr;
    throw new SchedulerCommandError(
      command.argv[0] as string,
      detail,
      `nothing was submitted; the runs stay queued in the store (the script is ${placement.scriptPath})`,
    );
  }
  const record: JobRecord = {
    scheduler: scheduler.name,
    experiment: placement.experiment,
    jobIds,
    tasks: scheduler.taskIdsOf(jobIds, job.workers),
    script: placement.scriptPath,
    submittedAt: placement.submittedAt,
  };
  recordJob(placement.storeDir, record);
  return record;
}

import type { Command } from 'commander';
import { cancelJobs } from '../../scheduler/cancel-jobs.js';
import { jobStatuses } from '../../scheduler/job-status.js';
import { readJobs } from '../../scheduler/jobs-file.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, storeDirOf } from '../context.js';
import { textTable } from '../output/text-table.js';
import { parseList } from '../run-selection.js';

/** `labbook cancel --jobs [JOB…]`: cancels the jobs of this store's submissions that have not ended, or those given. */
export function cancelSchedulerJobs(ctx: CliContext, options: GlobalOptions, jobIds: string[]): number {
  const records = readJobs(storeDirOf(ctx, options));
  const cancelled = cancelJobs(records, jobIds.length > 0 ? jobIds : undefined, ctx.env);
  if (options.json) printJson(ctx, { cancelledJobs: cancelled });
  else
    print(
      ctx,
      cancelled.length === 0 ? 'No job of this store is queued or running; nothing cancelled.' : `Cancelled job ${cancelled.join(', ')}.`,
    );
  return 0;
}

export function defineJobs(program: Command, ctx: CliContext): void {
  const command = program
    .command('jobs')
    .description('the scheduler jobs `labbook submit` and `labbook sub` made, one line per worker task, with their state now')
    .option('-e, --experiment <names>', 'only the jobs of these experiments (comma-separated)')
    .addHelpText(
      'after',
      `${examples('labbook jobs', 'labbook jobs -e cv-sweep --json')}\nA task the scheduler no longer lists has ended: FINISHED (the runs' own outcomes are in labbook status).\n`,
    );
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { experiment?: string }) => {
    const experiments = options.experiment ? parseList(options.experiment) : undefined;
    const records = readJobs(storeDirOf(ctx, options)).filter((record) => !experiments || experiments.includes(record.experiment));
    const rows = jobStatuses(records, ctx.env);
    if (options.json) printJson(ctx, rows);
    else if (rows.length === 0) print(ctx, 'No jobs submitted from this store (labbook submit SPEC --workers N submits some).');
    else
      print(
        ctx,
        textTable(
          ['task', 'experiment', 'scheduler', 'state', 'detail'],
          rows.map((row) => [row.task, row.experiment, row.scheduler, row.state, row.detail ?? '']),
        ),
      );
    return 0;
  });
}

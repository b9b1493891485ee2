import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { Queue } from '../../queue/queue.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';
import { cancelSchedulerJobs } from './jobs.js';

export function defineCancel(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('cancel').description('cancel pending or running runs (a running one is stopped at its next heartbeat)'),
    'only PENDING or only RUNNING runs',
  )
    .option('--all', 'every pending and running run in the store')
    .option('--jobs', 'cancel the scheduler jobs of labbook submit instead: those still queued or running, or the job ids given')
    .addHelpText(
      'after',
      examples(
        'labbook cancel 17',
        'labbook cancel -e cv-sweep',
        'labbook cancel --all --state PENDING',
        "labbook cancel 'lr > 0.5'",
        'labbook cancel --jobs',
      ),
    );
  bindAction(command, ctx, async (ctx, options: GlobalOptions & SelectionOptions & { all?: boolean; jobs?: boolean }, words: string[]) => {
    if (options.jobs) return cancelSchedulerJobs(ctx, options, words);
    const selection = selectionOf(options, words);
    const { experiments, query } = selection.filter;
    if (selection.refs.length === 0 && !experiments && !query && !options.all) {
      throw new UsageError('say which runs to cancel: run ids, -e EXPERIMENT, a query, or --all');
    }
    const count = await withStore(ctx, options, async (store) =>
      new Queue(store, { clock: ctx.clock }).cancel(await selectionFilter(store, selection)),
    );
    if (options.json) printJson(ctx, { cancelled: count });
    else
      print(ctx, count === 0 ? 'No pending or running runs matched; nothing changed.' : `Cancelled ${count} run${count === 1 ? '' : 's'}.`);
    return 0;
  });
}

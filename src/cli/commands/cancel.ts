import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { Queue } from '../../queue/queue.js';
import { bindAction, examples, parseList, parseRunIds, parseStates } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';

export function defineCancel(program: Command, ctx: CliContext): void {
  const command = program
    .command('cancel')
    .description('cancel pending or running runs (a running one is stopped at its next heartbeat)')
    .argument('[runs...]', 'run ids')
    .option('-e, --experiment <names>', 'all pending and running runs of these experiments')
    .option('-s, --state <states>', 'only PENDING or only RUNNING runs')
    .option('-w, --where <query>', 'pending and running runs matching this query (docs/query.md)')
    .option('--all', 'every pending and running run in the store')
    .addHelpText(
      'after',
      examples(
        'labbook cancel 17',
        'labbook cancel -e cv-sweep',
        'labbook cancel --all --state PENDING',
        "labbook cancel --where 'lr > 0.5'",
      ),
    );
  type CancelOptions = GlobalOptions & { experiment?: string; state?: string; all?: boolean; where?: string };
  bindAction(command, ctx, async (ctx, options: CancelOptions, refs: string[]) => {
    if (refs.length === 0 && !options.experiment && !options.all && !options.where) {
      throw new UsageError('say which runs to cancel: run ids, -e EXPERIMENT, --where QUERY, or --all');
    }
    const ids = parseRunIds(refs);
    const filter = {
      ...(ids.length > 0 && { ids }),
      ...(options.experiment && { experiments: parseList(options.experiment) }),
      ...(options.state && { states: parseStates(options.state) }),
      ...(options.where && { query: options.where }),
    };
    const count = await withStore(ctx, options, (store) => new Queue(store, { clock: ctx.clock }).cancel(filter));
    if (options.json) printJson(ctx, { cancelled: count });
    else
      print(ctx, count === 0 ? 'No pending or running runs matched; nothing changed.' : `Cancelled ${count} run${count === 1 ? '' : 's'}.`);
    return 0;
  });
}

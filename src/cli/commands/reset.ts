import type { Command } from 'commander';
import { RUN_STATES } from '../../domain/index.js';
import { UsageError } from '../../errors.js';
import { Queue } from '../../queue/queue.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

export function defineReset(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('reset').description('put runs back in the queue (PENDING, fresh retries); nothing else is touched'),
    'runs in these states, e.g. FAILED,RUNNING (default with run ids or a query: any state but PENDING)',
  ).addHelpText(
    'after',
    examples(
      'labbook reset --state FAILED',
      'labbook reset --state FAILED,RUNNING -e cv-sweep',
      'labbook reset 12 13',
      'labbook reset \'failure_reason == "timeout" & lr < 0.01\'',
    ),
  );
  bindAction(command, ctx, async (ctx, options: GlobalOptions & SelectionOptions, words: string[]) => {
    const selection = selectionOf(options, words);
    if (selection.refs.length === 0 && !selection.filter.query && !selection.filter.states) {
      throw new UsageError(
        'say which runs to reset: --state FAILED (or FAILED,RUNNING, …), run ids, or a query, e.g. labbook reset --state FAILED',
      );
    }
    const count = await withStore(ctx, options, async (store) => {
      const filter = await selectionFilter(store, selection);
      return new Queue(store, { clock: ctx.clock }).reset({
        ...filter,
        states: filter.states ?? RUN_STATES.filter((s) => s !== 'PENDING'),
      });
    });
    if (options.json) printJson(ctx, { reset: count });
    else print(ctx, count === 0 ? 'No runs matched; nothing changed.' : `Reset ${count} run${count === 1 ? '' : 's'} to PENDING.`);
    return 0;
  });
}

import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { Queue } from '../../queue/queue.js';
import { RUN_STATES } from '../../store/types.js';
import { bindAction, examples, parseList, parseRunIds, parseStates } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';

export function defineReset(program: Command, ctx: CliContext): void {
  const command = program
    .command('reset')
    .description('put runs back in the queue (PENDING, fresh retries); nothing else is touched')
    .argument('[runs...]', 'run ids (any state)')
    .option('-s, --state <states>', 'runs in these states, e.g. FAILED,RUNNING')
    .option('-e, --experiment <names>', 'only these experiments (comma-separated)')
    .option('-w, --where <query>', 'only runs matching this query (docs/query.md); without --state, any state but PENDING')
    .addHelpText(
      'after',
      examples(
        'labbook reset --state FAILED',
        'labbook reset --state FAILED,RUNNING -e cv-sweep',
        'labbook reset 12 13',
        'labbook reset --where \'failure_reason == "timeout" & lr < 0.01\'',
      ),
    );
  bindAction(
    command,
    ctx,
    async (ctx, options: GlobalOptions & { state?: string; experiment?: string; where?: string }, refs: string[]) => {
      if (!options.state && !options.where && refs.length === 0) {
        throw new UsageError(
          'say which runs to reset: --state FAILED (or FAILED,RUNNING, …), --where QUERY or run ids, e.g. labbook reset --state FAILED',
        );
      }
      const ids = parseRunIds(refs);
      const filter = {
        states: options.state ? parseStates(options.state) : RUN_STATES.filter((s) => s !== 'PENDING'),
        ...(ids.length > 0 && { ids }),
        ...(options.experiment && { experiments: parseList(options.experiment) }),
        ...(options.where && { query: options.where }),
      };
      const count = await withStore(ctx, options, (store) => new Queue(store, { clock: ctx.clock }).reset(filter));
      if (options.json) printJson(ctx, { reset: count });
      else print(ctx, count === 0 ? 'No runs matched; nothing changed.' : `Reset ${count} run${count === 1 ? '' : 's'} to PENDING.`);
      return 0;
    },
  );
}

import type { Command } from 'commander';
import { Queue } from '../../queue/queue.js';
import type { RunRecord } from '../../store/types.js';
import { bindAction, examples, parseList, parseStates } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { formatDuration, formatParams, formatTime } from '../output/format-values.js';
import { textTable } from '../output/text-table.js';

export function defineLs(program: Command, ctx: CliContext): void {
  const command = program
    .command('ls')
    .description('list runs with their parameters, state and timings')
    .option('-e, --experiment <names>', 'only these experiments (comma-separated)')
    .option('-s, --state <states>', 'only runs in these states, e.g. FAILED,RUNNING')
    .option('-n, --limit <n>', 'at most this many runs', (v) => Number(v))
    .addHelpText('after', examples('labbook ls', 'labbook ls -e cv-sweep --state FAILED', 'labbook ls --json | jq ".[].params"'));
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { experiment?: string; state?: string; limit?: number }) => {
    const filter = {
      ...(options.experiment && { experiments: parseList(options.experiment) }),
      ...(options.state && { states: parseStates(options.state) }),
    };
    const runs = await withStore(ctx, options, async (store) => {
      await new Queue(store, { clock: ctx.clock }).reapExpired();
      return store.listRuns(filter, options.limit !== undefined ? { limit: options.limit } : {});
    });
    if (options.json) printJson(ctx, runs);
    else if (runs.length === 0) print(ctx, 'No runs match.');
    else print(ctx, renderRuns(runs, ctx));
    return 0;
  });
}

function renderRuns(runs: RunRecord[], ctx: CliContext): string {
  const rows = runs.map((run) => [
    run.id,
    run.experiment,
    run.state,
    run.attempt,
    formatTime(run.startedAt),
    run.startedAt !== null && run.finishedAt !== null ? formatDuration(run.finishedAt - run.startedAt) : '-',
    formatParams(run.params),
  ]);
  const maxWidth = ctx.stdout.isTTY ? ctx.stdout.columns : undefined;
  return textTable(['id', 'experiment', 'state', 'attempt', 'started', 'took', 'params'], rows, maxWidth ? { maxWidth } : {});
}

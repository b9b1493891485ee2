import type { Command } from 'commander';
import type { RunRecord } from '../../domain/index.js';
import { knownKeys } from '../../query/index.js';
import { Queue } from '../../queue/queue.js';
import { formatDuration, formatParams, formatTime } from '../../util/format-values.js';
import { bindAction, examples, positiveInteger } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, printJsonLines, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';
import { type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

type LsOptions = GlobalOptions & SelectionOptions & { limit?: number; keys?: boolean };

export function defineLs(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('ls').description('list runs with their parameters, state and timings; --json prints one run per line (NDJSON)'),
  )
    .option('-n, --limit <n>', 'at most this many runs', (v) => positiveInteger(v, '--limit', 'labbook ls -n 20'))
    .option('--keys', 'list the keys a query can use (parameters, settings, metrics, run fields) instead of runs')
    .addHelpText(
      'after',
      examples(
        'labbook ls',
        'labbook ls -e cv-sweep --state FAILED',
        'labbook ls \'model == "svc" & metrics.acc.max > 0.9\'',
        'labbook ls --keys -e cv-sweep',
        'labbook ls 41 42 3fa9c1',
        'labbook ls --json | jq .params',
      ),
    );
  bindAction(command, ctx, async (ctx, options: LsOptions, words: string[]) => {
    const selection = selectionOf(options, words);
    if (options.keys) {
      const keys = knownKeys(await withStore(ctx, options, async (store) => store.keyCatalog(await selectionFilter(store, selection))));
      if (options.json) printJson(ctx, keys);
      else print(ctx, keys.join('\n'));
      return 0;
    }
    const runs = await withStore(ctx, options, async (store) => {
      await new Queue(store, { clock: ctx.clock }).reapExpired();
      return store.listRuns(await selectionFilter(store, selection), options.limit !== undefined ? { limit: options.limit } : {});
    });
    if (options.json) printJsonLines(ctx, runs);
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

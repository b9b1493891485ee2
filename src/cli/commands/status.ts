import type { Command } from 'commander';
import { RUN_STATES, type RunState, type StateCount, zeroStateCounts } from '../../domain/index.js';
import { Queue } from '../../queue/queue.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';
import { type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

export function defineStatus(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('status').description('count the selected runs by state, per experiment (exit status 1 if any of them FAILED)'),
  ).addHelpText('after', examples('labbook status', 'labbook status -e cv-sweep --json', 'labbook status \'dataset == "digits"\''));
  bindAction(command, ctx, async (ctx, options: GlobalOptions & SelectionOptions, words: string[]) => {
    const selection = selectionOf(options, words);
    const counts = await withStore(ctx, options, async (store) => {
      await new Queue(store, { clock: ctx.clock }).reapExpired();
      return store.countRuns(await selectionFilter(store, selection));
    });
    const table = countsByExperiment(counts);
    if (options.json) printJson(ctx, table);
    else if (table.length === 0) print(ctx, "No runs yet. Add some with 'labbook add SPEC'.");
    else print(ctx, renderCounts(table));
    return table.some((row) => row.FAILED > 0) ? 1 : 0;
  });
}

type CountRow = { experiment: string; total: number } & Record<RunState, number>;

function countsByExperiment(counts: StateCount[]): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const { experiment, state, count } of counts) {
    let row = rows.get(experiment);
    if (!row) {
      row = { experiment, total: 0, ...zeroStateCounts() };
      rows.set(experiment, row);
    }
    row[state] += count;
    row.total += count;
  }
  return [...rows.values()];
}

function renderCounts(rows: CountRow[]): string {
  const header = ['experiment', ...RUN_STATES.map((s) => s.toLowerCase()), 'total'];
  return textTable(
    header,
    rows.map((row) => [row.experiment, ...RUN_STATES.map((s) => row[s]), row.total]),
  );
}

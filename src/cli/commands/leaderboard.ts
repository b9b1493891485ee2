import type { Command } from 'commander';
import { type Leaderboard, leaderboard, parseEntityFilter } from '../../lineage/index.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

interface LeaderboardOptions extends GlobalOptions {
  task?: string;
  metric: string;
  dataset?: string;
}

export function defineLeaderboard(program: Command, ctx: CliContext): void {
  const command = program
    .command('leaderboard')
    .description('rank the comparable evaluations of a task by a metric; list each incomparable one with the reason')
    .argument('[filter...]', 'more entity filter terms the evaluations must match (docs/provenance.md)')
    .option('--task <task>', 'the evaluations of this task')
    .requiredOption('--metric <name>', 'the metric to rank by')
    .option('--dataset <entity>', 'rank the results on this dataset (default: the data most results were computed on)')
    .addHelpText(
      'after',
      examples(
        'labbook leaderboard --task digits --metric accuracy',
        'labbook leaderboard --metric f1 --dataset dataset:digits-test@1 --json',
      ),
    );
  bindAction(command, ctx, async (ctx, options: LeaderboardOptions, words: string[]) => {
    const filter = {
      ...parseEntityFilter(words.join(' ')),
      metric: options.metric,
      ...(options.task !== undefined && { task: options.task }),
    };
    const board = await withStore(ctx, options, (store) => leaderboard(store, filter, options.dataset));
    if (options.json) printJson(ctx, board);
    else print(ctx, renderBoard(board, options.metric));
    return 0;
  });
}

function renderBoard(board: Leaderboard, metric: string): string {
  if (board.on === null) return `No evaluations of '${metric}' match.`;
  const lines = [`${metric} on ${board.on}`, ''];
  lines.push(
    textTable(
      ['rank', 'model', metric, 'evaluations'],
      board.ranked.map((entry) => [entry.rank, modelLabel(entry.model), entry.value, entry.evaluations.length]),
    ).trimEnd(),
  );
  if (board.incomparable.length > 0) {
    lines.push('', `Not comparable (${board.incomparable.length}):`);
    for (const entry of board.incomparable) lines.push(`- ${modelLabel(entry.model)} ${metric} = ${entry.value}: ${entry.reason}`);
  }
  return lines.join('\n');
}

export function modelLabel(model: { uid: string; name: string; version: string | null; run?: number }): string {
  const run = model.run === undefined ? '' : `, run ${model.run}`;
  return `${model.name}${model.version === null ? '' : `@${model.version}`} (${model.uid.slice(0, 12)}${run})`;
}

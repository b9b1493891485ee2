import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { aggregateTable, formatTable, parseAggregates, TABLE_FORMATS, type TableFormat } from '../../query/index.js';
import { bindAction, examples, positiveInteger } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, withStore } from '../context.js';
import { parseList, type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

interface TableOptions extends GlobalOptions, SelectionOptions {
  group?: string;
  agg?: string;
  format?: string;
  best?: string;
  digits: number;
}

export function defineTable(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('table').description('group runs and aggregate their metrics into a table (Markdown, LaTeX, CSV, JSON)'),
    'only runs in these states, e.g. COMPLETED',
  )
    .option('-g, --group <keys>', 'group by these keys (comma-separated), e.g. dataset,model')
    .option('-a, --agg <aggregates>', `aggregates, e.g. 'mean(score),std(score),count()' (default: count and mean ± std of every metric)`)
    .option('--format <format>', `output format: ${TABLE_FORMATS.join(', ')} (default: md; json with --json)`)
    .option('--best <max|min>', 'bold the best value of each column (Markdown, LaTeX)')
    .option('--digits <n>', 'decimals shown (Markdown, LaTeX), 0 to 12', (v) => positiveInteger(v, '--digits', '--digits 2', 0), 3)
    .addHelpText(
      'after',
      examples(
        'labbook table -e cv -g dataset,model',
        "labbook table 'state == \"COMPLETED\"' -g dataset,model -a 'mean(score),std(score),count()' --format latex --best max",
        "labbook table -g model -a 'mean,std(metrics.val.loss.min)' --format csv",
      ),
    );
  bindAction(command, ctx, async (ctx, options: TableOptions, words: string[]) => {
    const format = tableFormat(options);
    if (options.best !== undefined && options.best !== 'max' && options.best !== 'min') {
      throw new UsageError(`--best must be max or min, not '${options.best}'`);
    }
    if (options.digits > 12) {
      throw new UsageError('--digits must be a whole number from 0 to 12');
    }
    const request = {
      groupBy: options.group ? parseList(options.group) : [],
      ...(options.agg && { aggregates: parseAggregates(options.agg) }),
    };
    const selection = selectionOf(options, words);
    const table = await withStore(ctx, options, async (store) => aggregateTable(store, await selectionFilter(store, selection), request));
    print(ctx, formatTable(table, format, { digits: options.digits, ...(options.best && { best: options.best as 'max' | 'min' }) }));
    return 0;
  });
}

/** --json is the json format; with another --format it would be two answers to one question. */
function tableFormat(options: TableOptions): TableFormat {
  const format = (options.format ?? (options.json ? 'json' : 'md')) as TableFormat;
  if (!TABLE_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${TABLE_FORMATS.join(', ')}, not '${options.format}'`);
  if (options.json && format !== 'json' && format !== 'ndjson') {
    throw new UsageError(`--json prints the table as JSON; drop it to get --format ${format}`);
  }
  return format;
}

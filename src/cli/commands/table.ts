import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { aggregateTable, formatTable, parseAggregates, TABLE_FORMATS, type TableFormat } from '../../query/index.js';
import { bindAction, examples, parseList, runFilter } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, withStore } from '../context.js';

interface TableOptions extends GlobalOptions {
  experiment?: string;
  state?: string;
  group?: string;
  agg?: string;
  format: string;
  best?: string;
  digits: number;
}

export function defineTable(program: Command, ctx: CliContext): void {
  const command = program
    .command('table')
    .description('group runs and aggregate their metrics into a table (Markdown, LaTeX, CSV, JSON)')
    .argument('[query...]', 'which runs, e.g. \'state == "COMPLETED"\' (docs/query.md)')
    .option('-e, --experiment <names>', 'only these experiments (comma-separated)')
    .option('-s, --state <states>', 'only runs in these states, e.g. COMPLETED')
    .option('-g, --group <keys>', 'group by these keys (comma-separated), e.g. dataset,model')
    .option('-a, --agg <aggregates>', `aggregates, e.g. 'mean(score),std(score),count()' (default: count and mean ± std of every metric)`)
    .option('-f, --format <format>', `output format: ${TABLE_FORMATS.join(', ')}`, 'md')
    .option('--best <max|min>', 'bold the best value of each column (Markdown, LaTeX)')
    .option('--digits <n>', 'decimals shown (Markdown, LaTeX)', (v) => Number(v), 3)
    .addHelpText(
      'after',
      examples(
        'labbook table -e cv -g dataset,model',
        "labbook table 'state == \"COMPLETED\"' -g dataset,model -a 'mean(score),std(score),count()' -f latex --best max",
        "labbook table -g model -a 'mean,std(metrics.val.loss.min)' -f csv",
      ),
    );
  bindAction(command, ctx, async (ctx, options: TableOptions, words: string[]) => {
    const format = options.format as TableFormat;
    if (!TABLE_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${TABLE_FORMATS.join(', ')}, not '${options.format}'`);
    if (options.best !== undefined && options.best !== 'max' && options.best !== 'min') {
      throw new UsageError(`--best must be max or min, not '${options.best}'`);
    }
    if (!Number.isInteger(options.digits) || options.digits < 0 || options.digits > 12) {
      throw new UsageError('--digits must be a whole number from 0 to 12');
    }
    const request = {
      groupBy: options.group ? parseList(options.group) : [],
      ...(options.agg && { aggregates: parseAggregates(options.agg) }),
    };
    const table = await withStore(ctx, options, (store) => aggregateTable(store, runFilter(options, words), request));
    print(ctx, formatTable(table, format, { digits: options.digits, ...(options.best && { best: options.best as 'max' | 'min' }) }));
    return 0;
  });
}

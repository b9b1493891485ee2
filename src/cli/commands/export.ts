import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { EXPORT_FORMATS, type ExportFormat, exportRuns, exportText, writeExport } from '../../query/index.js';
import { bindAction, examples, runFilter } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, withStore } from '../context.js';

interface ExportOptions extends GlobalOptions {
  experiment?: string;
  state?: string;
  format?: string;
  output?: string;
}

export function defineExport(program: Command, ctx: CliContext): void {
  const command = program
    .command('export')
    .description('write one row per run (fields, parameters as params.x, metric summaries) as CSV, JSON, NDJSON or Parquet')
    .argument('[query...]', 'which runs (docs/query.md)')
    .option('-e, --experiment <names>', 'only these experiments (comma-separated)')
    .option('-s, --state <states>', 'only runs in these states')
    .option('--format <format>', `${EXPORT_FORMATS.join(', ')} (default: from the -o file's extension, else csv)`)
    .option('-o, --output <file>', 'write to this file (required for parquet; default: standard output)')
    .addHelpText(
      'after',
      examples(
        'labbook export -e cv > runs.csv',
        'labbook export \'state == "COMPLETED"\' -o runs.parquet',
        'labbook export --format json',
      ),
    );
  bindAction(command, ctx, async (ctx, options: ExportOptions, words: string[]) => {
    const format = exportFormat(options);
    if (format === 'parquet' && !options.output) throw new UsageError('Parquet is binary: give a file with -o, e.g. -o runs.parquet');
    const table = await withStore(ctx, options, (store) => exportRuns(store, runFilter(options, words)));
    if (options.output) {
      writeExport(table, format, resolve(ctx.cwd, options.output));
      ctx.stderr.write(`Wrote ${table.rows.length} run${table.rows.length === 1 ? '' : 's'} to ${options.output}.\n`);
    } else {
      print(ctx, exportText(table, format as Exclude<ExportFormat, 'parquet'>));
    }
    return 0;
  });
}

function exportFormat(options: ExportOptions): ExportFormat {
  const format = options.format ?? (options.output ? extname(options.output).slice(1).toLowerCase() : 'csv');
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  if (options.format === undefined) return 'csv';
  throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not '${format}'`);
}

import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { EXPORT_FORMATS, type ExportFormat, exportRuns, exportText, writeExport } from '../../query/index.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

interface ExportOptions extends GlobalOptions, SelectionOptions {
  format?: string;
  output?: string;
}

export function defineExport(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program
      .command('export')
      .description('write one row per run (fields, parameters as params.x, metric summaries) as CSV, JSON, NDJSON or Parquet'),
    'only runs in these states',
  )
    .option(
      '--format <format>',
      `${EXPORT_FORMATS.join(', ')} (default: from the -o file's extension, else csv; ndjson on stdout with --json)`,
    )
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
    const selection = selectionOf(options, words);
    const table = await withStore(ctx, options, async (store) => exportRuns(store, await selectionFilter(store, selection)));
    if (options.output) {
      const path = resolve(ctx.cwd, options.output);
      writeExport(table, format, path);
      if (options.json) printJson(ctx, { output: path, format, runs: table.rows.length });
      else ctx.log.info(`wrote ${table.rows.length} run${table.rows.length === 1 ? '' : 's'} to ${options.output}`);
    } else {
      print(ctx, exportText(table, format as Exclude<ExportFormat, 'parquet'>));
    }
    return 0;
  });
}

/** With --json and no file, stdout is NDJSON (one run per line); with -o FILE, --json is about the summary. */
function exportFormat(options: ExportOptions): ExportFormat {
  if (options.json && !options.output) {
    if (options.format === undefined || options.format === 'ndjson') return 'ndjson';
    throw new UsageError(
      `--json prints one run per line (NDJSON) on stdout; drop it to get --format ${options.format}, or write to a file with -o`,
    );
  }
  const format = options.format ?? (options.output ? extname(options.output).slice(1).toLowerCase() : 'csv');
  if ((EXPORT_FORMATS as readonly string[]).includes(format)) return format as ExportFormat;
  if (options.format === undefined) return 'csv';
  throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not '${format}'`);
}

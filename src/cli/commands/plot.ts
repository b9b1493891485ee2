import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunRecord } from '../../domain/index.js';
import { MetricNotFoundError, UsageError } from '../../errors.js';
import type { JsonValue } from '../../spec/types.js';
import type { Store } from '../../store/types.js';
import { metricChartSpec, type RunSeries } from '../../track/metric-plot.js';
import { renderSvg, svgToPng } from '../../track/render-chart.js';
import { closestMatches } from '../../util/closest-matches.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { type Selection, type SelectionOptions, selectionFilter, selectionOf, withSelection } from '../run-selection.js';

interface PlotOptions extends GlobalOptions, SelectionOptions {
  key: string;
  output: string;
  group?: string;
}

export function definePlot(program: Command, ctx: CliContext): void {
  const command = withSelection(
    program.command('plot').description('line plot of a metric over steps, one line per run (or mean ± std per group), as PNG or SVG'),
  )
    .requiredOption('-k, --key <key>', 'the metric to plot, e.g. val.loss')
    .requiredOption('-o, --output <file>', 'where to write the plot: a .png or .svg file')
    .option('-g, --group <param>', 'one mean line with a ± std band per value of this parameter (dotted for nested)')
    .addHelpText(
      'after',
      examples(
        'labbook plot 41 42 43 --key val.loss -o loss.png',
        'labbook plot -e cv-sweep --key val.acc --group model -o acc.svg',
        "labbook plot -e cv-sweep 'lr < 0.1' -s COMPLETED --key val.acc -o acc.png",
      ),
    );
  bindAction(command, ctx, async (ctx, options: PlotOptions, words: string[]) => {
    const format = extname(options.output).toLowerCase();
    if (format !== '.png' && format !== '.svg') {
      throw new UsageError(`cannot write a plot to '${options.output}': give a file name ending in .png or .svg`);
    }
    const { series, missing } = await withStore(ctx, options, async (store) => {
      const runs = await selectRuns(store, selectionOf(options, words));
      if (options.group) checkGroupParam(runs, options.group);
      return loadSeries(store, runs, options.key, options.group);
    });
    if (missing.length > 0) ctx.log.warn(`left out runs that logged no '${options.key}': ${missing.join(', ')}`);
    const svg = await renderSvg(metricChartSpec(options.key, series, options.group ? { grouped: options.group } : {}));
    const path = resolve(ctx.cwd, options.output);
    await writeFile(path, format === '.svg' ? svg : await svgToPng(svg));
    if (options.json) printJson(ctx, { output: path, runs: series.length, missing });
    else print(ctx, `Wrote ${options.output} (${series.length} run${series.length === 1 ? '' : 's'}).`);
    return 0;
  });
}

async function selectRuns(store: Store, selection: Selection): Promise<RunRecord[]> {
  if (!selection.narrowed) throw new UsageError('name the runs to plot (ids or hash prefixes, a query), or -e EXPERIMENT');
  return store.listRuns(await selectionFilter(store, selection));
}

function checkGroupParam(runs: readonly RunRecord[], param: string): void {
  if (runs.some((run) => paramAt(run.params, param) !== undefined)) return;
  const known = new Set(runs.flatMap((run) => leafKeys(run.params)));
  const close = closestMatches(param, known);
  throw new UsageError(
    `no selected run has a parameter '${param}' to group by${close.length ? `; did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : ''}. Parameters: ${[...known].join(', ')}.`,
  );
}

async function loadSeries(store: Store, runs: readonly RunRecord[], key: string, group: string | undefined) {
  const series: RunSeries[] = [];
  const missing: number[] = [];
  for (const run of runs) {
    const points = await store.readMetrics(run.id, key);
    if (points.length === 0) missing.push(run.id);
    else series.push({ label: `run ${run.id}`, points, ...(group && { group: paramAt(run.params, group) ?? null }) });
  }
  if (series.length === 0) {
    const known = new Set<string>();
    for (const run of runs.slice(0, 20)) for (const s of await store.listMetricSummaries(run.id)) known.add(s.key);
    const where = runs.length === 1 ? `run ${runs[0]?.id}` : `none of the ${runs.length} selected runs`;
    throw new MetricNotFoundError(key, where, closestMatches(key, known));
  }
  return { series, missing };
}

function paramAt(params: JsonValue, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = params;
  for (const part of path.split('.')) {
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined;
  }
  return value;
}

function leafKeys(value: JsonValue, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

import type { Command } from 'commander';
import type { MetricPoint, MetricSummary } from '../../domain/index.js';
import { MetricNotFoundError } from '../../errors.js';
import { resolveRun } from '../../queue/run-ref.js';
import { closestMatches } from '../../util/closest-matches.js';
import { formatTime } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

export function defineMetrics(program: Command, ctx: CliContext): void {
  const command = program
    .command('metrics')
    .description("a run's metrics: the summary of every key, or the series of the keys given")
    .argument('<run>', 'run id, or at least 6 characters of its hash')
    .argument('[keys...]', 'metric keys whose series to print (e.g. val.loss)')
    .addHelpText(
      'after',
      `${examples('labbook metrics 42', 'labbook metrics 42 val.loss train.loss', 'labbook metrics 42 val.loss --json')}
With one key, --json prints an array of {step, value, at}; with several, an object of such arrays by key.
`,
    );
  bindAction(command, ctx, async (ctx, options, ref: string, keys: string[]) => {
    const { runId, summaries, series } = await withStore(ctx, options, async (store) => {
      const run = await resolveRun(store, ref);
      const summaries = await store.listMetricSummaries(run.id);
      const known = summaries.map((s) => s.key);
      const series = new Map<string, MetricPoint[]>();
      for (const key of keys) {
        if (!known.includes(key)) throw new MetricNotFoundError(key, `run ${run.id}`, closestMatches(key, known));
        series.set(key, await store.readMetrics(run.id, key));
      }
      return { runId: run.id, summaries, series };
    });
    if (keys.length === 0) printSummaries(ctx, runId, summaries, options.json);
    else printSeries(ctx, series, options.json);
    return 0;
  });
}

function printSummaries(ctx: CliContext, runId: number, summaries: MetricSummary[], json?: boolean): void {
  if (json) printJson(ctx, summaries);
  else if (summaries.length === 0) print(ctx, `Run ${runId} logged no metrics.`);
  else
    print(
      ctx,
      textTable(
        ['key', 'last', 'min', 'max', 'first', 'count', 'last step', 'attempt'],
        summaries.map((s) => [s.key, num(s.last), num(s.min), num(s.max), num(s.first), s.count, s.lastStep ?? '-', s.attempt]),
      ),
    );
}

function printSeries(ctx: CliContext, series: Map<string, MetricPoint[]>, json?: boolean): void {
  const points = (key: string) => (series.get(key) ?? []).map(({ step, value, at }) => ({ step, value, at }));
  if (json) {
    const keys = [...series.keys()];
    printJson(ctx, keys.length === 1 ? points(keys[0] as string) : Object.fromEntries(keys.map((key) => [key, points(key)])));
    return;
  }
  const blocks = [...series.keys()].map((key) => {
    const table = textTable(
      ['step', 'value', 'time'],
      points(key).map((p) => [p.step ?? '-', num(p.value), formatTime(p.at)]),
    );
    return series.size === 1 ? table : `${key}\n${table}`;
  });
  print(ctx, blocks.join('\n'));
}

/** A non-finite value was stored as null. */
function num(value: number | null): number | string {
  return value ?? 'NaN';
}

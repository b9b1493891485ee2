import type { Command } from 'commander';
import { resolveRun } from '../../queue/run-ref.js';
import type { JsonValue } from '../../spec/types.js';
import type { Store } from '../../store/types.js';
import { compareRuns, type Difference, type RunFacts } from '../../track/compare-runs.js';
import { formatValue } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

export function defineDiff(program: Command, ctx: CliContext): void {
  const command = program
    .command('diff')
    .description('what differs between two runs: parameters, environment, final metric values')
    .argument('<run-a>', 'run id, or at least 6 characters of its hash')
    .argument('<run-b>', 'run id, or at least 6 characters of its hash')
    .option('--all', 'show identical values too')
    .addHelpText('after', examples('labbook diff 41 42', 'labbook diff 41 42 --all', 'labbook diff 3fa9c1 77b0e2 --json'));
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { all?: boolean }, refA: string, refB: string) => {
    const { ids, comparison } = await withStore(ctx, options, async (store) => {
      const [a, b] = [await resolveRun(store, refA), await resolveRun(store, refB)];
      return { ids: [a.id, b.id], comparison: compareRuns(await factsOf(store, a.id, a.params), await factsOf(store, b.id, b.params)) };
    });
    const shown = (list: Difference[]) => list.filter((d) => options.all || !d.same);
    const sections = {
      params: shown(comparison.params),
      environment: shown(comparison.environment),
      metrics: shown(comparison.metrics),
    };
    if (options.json) {
      const jsonOf = (list: Difference[]) => list.map((d) => ({ key: d.key, a: d.a ?? null, b: d.b ?? null, same: d.same }));
      printJson(ctx, {
        runs: ids,
        params: jsonOf(sections.params),
        environment: jsonOf(sections.environment),
        metrics: jsonOf(sections.metrics),
      });
      return 0;
    }
    const rows = Object.entries(sections).flatMap(([section, list]) => list.map((d) => [section, d.key, cell(d.a), cell(d.b)]));
    if (rows.length === 0) print(ctx, `Runs ${ids[0]} and ${ids[1]} do not differ in parameters, environment or final metrics.`);
    else print(ctx, textTable(['', 'key', `run ${ids[0]}`, `run ${ids[1]}`], rows, maxWidth(ctx)));
    return 0;
  });
}

async function factsOf(store: Store, runId: number, params: RunFacts['params']): Promise<RunFacts> {
  return { params, environment: await store.getEnvironment(runId), summaries: await store.listMetricSummaries(runId) };
}

function cell(value: JsonValue | undefined): string {
  return value === undefined ? '-' : formatValue(value);
}

function maxWidth(ctx: CliContext): { maxWidth?: number } {
  return ctx.stdout.isTTY && ctx.stdout.columns ? { maxWidth: ctx.stdout.columns } : {};
}

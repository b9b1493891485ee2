import type { Command } from 'commander';
import type { RunEvent, RunRecord } from '../../domain/index.js';
import { Queue } from '../../queue/queue.js';
import { resolveRun } from '../../queue/run-ref.js';
import { isPlainObject } from '../../spec/json-value.js';
import type { Store } from '../../store/types.js';
import { formatDuration, formatTime } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

export function defineShow(program: Command, ctx: CliContext): void {
  const command = program
    .command('show')
    .description('everything about one run: parameters, state, result, error, history')
    .argument('<run>', 'run id, or at least 6 characters of its hash')
    .addHelpText('after', examples('labbook show 42', 'labbook show 3fa9c1 --json'));
  bindAction(command, ctx, async (ctx, options, ref: string) => {
    const { run, events, origin } = await withStore(ctx, options, async (store) => {
      const queue = new Queue(store, { clock: ctx.clock });
      await queue.reapExpired();
      const run = await resolveRun(store, ref);
      return { run, events: await store.listRunEvents(run.id), origin: await originOf(queue, store, run) };
    });
    if (options.json) printJson(ctx, { ...run, ...origin, events });
    else print(ctx, renderRun(run, events, origin));
    return 0;
  });
}

/** Where a run's code and its first execution come from: its code snapshot, the run it reruns. */
interface RunOrigin {
  code?: { commit: string; tree: string };
  rerunOf?: number;
}

async function originOf(queue: Queue, store: Store, run: RunRecord): Promise<RunOrigin> {
  const spec = await queue.plannedSpec(run);
  const code = isPlainObject(spec) && isPlainObject(spec.code) ? spec.code : undefined;
  const rerunOf = await store.rerunOf(run.id);
  return {
    ...(typeof code?.commit === 'string' && typeof code.tree === 'string' && { code: { commit: code.commit, tree: code.tree } }),
    ...(rerunOf !== undefined && { rerunOf }),
  };
}

function renderRun(run: RunRecord, events: RunEvent[], origin: RunOrigin): string {
  const took = run.startedAt !== null && run.finishedAt !== null ? ` (took ${formatDuration(run.finishedAt - run.startedAt)})` : '';
  const lines = [
    `run ${run.id} of ${run.experiment}`,
    `  hash      ${run.hash}`,
    `  spec      ${run.specVersion === null ? 'none (recorded by hand)' : `version ${run.specVersion}`}`,
    ...(origin.code ? [`  code      commit ${origin.code.commit}, snapshot code/${origin.code.tree}`] : []),
    ...(origin.rerunOf !== undefined ? [`  rerun of  run ${origin.rerunOf}`] : []),
    `  state     ${run.state}${run.failureReason ? ` (${run.failureReason})` : ''}`,
    `  attempt   ${run.attempt} (failures ${run.failures} of ${run.retries + 1} allowed, workers lost ${run.losses})`,
    `  worker    ${run.workerId ?? '-'}`,
    `  queued    ${formatTime(run.queuedAt)}`,
    `  started   ${formatTime(run.startedAt)}`,
    `  finished  ${formatTime(run.finishedAt)}${took}`,
    ...(run.exitCode !== null ? [`  exit code ${run.exitCode}`] : []),
    'params',
    indent(JSON.stringify(run.params, null, 2)),
  ];
  if (run.result !== null) lines.push('result', indent(JSON.stringify(run.result, null, 2)));
  if (run.error) lines.push('error', indent(run.error.trimEnd()));
  lines.push(
    'history',
    indent(
      textTable(
        ['at', 'from', 'to', 'attempt', 'worker', 'reason'],
        events.map((e) => [formatTime(e.at), e.fromState ?? '-', e.toState, e.attempt, e.workerId ?? '-', e.reason ?? '']),
      ).trimEnd(),
    ),
  );
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

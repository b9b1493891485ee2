import type { Command } from 'commander';
import type { RunEvent, RunRecord } from '../../domain/index.js';
import { Queue } from '../../queue/queue.js';
import { resolveRun } from '../../queue/run-ref.js';
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
    const { run, events } = await withStore(ctx, options, async (store) => {
      await new Queue(store, { clock: ctx.clock }).reapExpired();
      const run = await resolveRun(store, ref);
      return { run, events: await store.listRunEvents(run.id) };
    });
    if (options.json) printJson(ctx, { ...run, events });
    else print(ctx, renderRun(run, events));
    return 0;
  });
}

function renderRun(run: RunRecord, events: RunEvent[]): string {
  const took = run.startedAt !== null && run.finishedAt !== null ? ` (took ${formatDuration(run.finishedAt - run.startedAt)})` : '';
  const lines = [
    `run ${run.id} of ${run.experiment}`,
    `  hash      ${run.hash}`,
    `  spec      ${run.specVersion === null ? 'none (recorded by hand)' : `version ${run.specVersion}`}`,
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

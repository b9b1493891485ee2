import type { Command } from 'commander';
import { parseNotifyOption } from '../../spec/notify-config.js';
import { trialPruneHook } from '../../study/trial-pruning.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type CommandContext, type GlobalOptions, withStore } from '../context.js';
import { addEngineOptions, type EngineOptions, engineSettings, reportingErrors, reportSession } from '../engine-options.js';
import { parseList } from '../run-selection.js';
import { runSessionHere } from '../session-controls.js';

interface WorkerCommandOptions extends GlobalOptions, EngineOptions {
  experiment?: string;
  wait?: boolean;
}

export function defineWorker(program: Command, ctx: CliContext): void {
  const command = addEngineOptions(
    program
      .command('worker')
      .description('execute queued runs from the store (several workers, in several terminals or machines, share one queue)')
      .option('-e, --experiment <names>', 'only runs of these experiments (comma-separated)')
      .option('--wait', 'keep polling for new runs when the queue is empty (default: stop)'),
  ).addHelpText('after', examples('labbook worker -j 4', 'labbook worker -e cv,ablation --wait', 'labbook worker --max-runs 100'));
  bindAction(command, ctx, (ctx, options: WorkerCommandOptions) => reportingErrors(ctx, options, () => work(ctx, options)));
}

async function work(ctx: CommandContext, options: WorkerCommandOptions): Promise<number> {
  const settings = engineSettings(ctx, options, [parseNotifyOption('console', ctx.env)]);
  const experiments = options.experiment ? parseList(options.experiment) : undefined;
  return withStore(ctx, options, async (store) => {
    const result = await runSessionHere(ctx, {
      ...settings,
      store,
      wait: options.wait ?? false,
      waitForOthers: false,
      ...(experiments && { experiments }),
      // A study's trial (labbook tune on another machine) asks its study's pruner.
      shouldPrune: trialPruneHook(store, ctx.clock),
    });
    return reportSession(ctx, options, result, () => store.listRuns(experiments ? { experiments } : {}));
  });
}

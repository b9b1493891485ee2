import type { Command } from 'commander';
import { SpecError } from '../../errors.js';
import { describeEnqueue } from '../../queue/describe-enqueue.js';
import { DriverNotRunningError } from '../../runner/runner-errors.js';
import { executesRuns } from '../../spec/executes-runs.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type CommandContext, type GlobalOptions, withStore } from '../context.js';
import { addEngineOptions, type EngineOptions, engineSettings, reportingErrors, reportSession } from '../engine-options.js';
import { assertSpecFitsMachine } from '../machine-options.js';
import { runSessionHere } from '../session-controls.js';
import { addEnqueueFlags, type EnqueueFlags, enqueueOptions, enqueueSpec, loadSpecToEnqueue } from './add.js';

interface RunOptions extends GlobalOptions, EngineOptions, EnqueueFlags {
  rerun?: boolean;
}

export function defineRun(program: Command, ctx: CliContext): void {
  const command = addEnqueueFlags(
    addEngineOptions(
      program
        .command('run')
        .description("add a spec's runs to the queue and execute them here; completed runs are kept (the cache) and skipped")
        .argument('<spec>', 'YAML experiment spec')
        .argument('[overrides...]', 'Hydra-style overrides: lr=0.1,0.01 seed=range(5)')
        .option('--rerun', 'run again the runs that already COMPLETED'),
    ),
  ).addHelpText(
    'after',
    examples(
      'labbook run sweep.yaml -j 4',
      'labbook run sweep.yaml lr=0.1,0.01 seed=range(3)',
      'labbook run sweep.yaml --rerun --kill-on-interrupt',
    ) +
      '\nCtrl-C once stops claiming and lets running runs finish; twice stops them. Stopped runs go back to the queue:\nrun the same command again to resume. Exit status: 0 all completed, 1 some failed, 130 interrupted.\n',
  );
  bindAction(command, ctx, (ctx, options: RunOptions, file: string, overrides: string[]) =>
    reportingErrors(ctx, options, () => run(ctx, options, file, overrides)),
  );
}

async function run(ctx: CommandContext, options: RunOptions, file: string, overrides: string[]): Promise<number> {
  const loaded = loadSpecToEnqueue(ctx, file, overrides);
  if (!executesRuns(loaded.spec)) {
    throw new SpecError([
      {
        file,
        key: 'command',
        message:
          "'labbook run' needs something to execute: add a command (e.g. command: python train.py --lr {lr}) or a function " +
          "(function: ./train.ts#train); to only queue the runs for workers or a Python driver, use 'labbook add'",
      },
    ]);
  }
  // A Python driver's runs execute in its own processes, through the engine: only it may run this spec.
  if (loaded.spec.driver) throw new DriverNotRunningError(loaded.spec.name);
  const settings = engineSettings(ctx, options, loaded.spec.notify);
  if (settings.machine) assertSpecFitsMachine(loaded.spec, settings.machine);
  const enqueue = enqueueOptions(ctx, options, options.rerun ? ['FAILED', 'CANCELLED', 'COMPLETED'] : ['FAILED', 'CANCELLED']);
  return withStore(ctx, options, async (store) => {
    const enqueued = await enqueueSpec(ctx, store, file, loaded, options, enqueue);
    const { experiment } = enqueued;
    if (!options.json) for (const line of describeEnqueue(enqueued, enqueue)) ctx.log.info(line);
    const result = await runSessionHere(ctx, {
      ...settings,
      store,
      experiments: [experiment.name],
      specs: [loaded.spec],
      wait: false,
      waitForOthers: true,
    });
    // The runs of this spec's settings and command: a run of the same parameters with other ones is not its result.
    const runs = () => store.listRuns({ experiments: [experiment.name], specVersions: enqueued.equivalentVersions });
    return reportSession(ctx, options, result, runs);
  });
}

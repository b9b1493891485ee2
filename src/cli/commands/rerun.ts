import type { Command } from 'commander';
import type { RunRecord } from '../../domain/index.js';
import { EXIT_FAILED_RUNS, EXIT_INTERRUPTED, EXIT_OK, UsageError } from '../../errors.js';
import { Queue } from '../../queue/queue.js';
import { resolveRun } from '../../queue/run-ref.js';
import { sessionSummary } from '../../runner/session-summary.js';
import { executesRuns } from '../../spec/executes-runs.js';
import { specFromRaw } from '../../spec/load-spec.js';
import type { ExperimentSpec } from '../../spec/types.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type CommandContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { engineSettings } from '../engine-options.js';
import { addMachineFlags, assertSpecFitsMachine, type MachineFlags } from '../machine-options.js';
import { runSessionHere } from '../session-controls.js';

type RerunOptions = GlobalOptions & MachineFlags;

export function defineRerun(program: Command, ctx: CliContext): void {
  const command = addMachineFlags(
    program
      .command('rerun')
      .description(
        'execute a finished run again, here, as a new run linked to it: its spec version (and code snapshot), parameters and seed',
      )
      .argument('<run>', 'run id, or at least 6 characters of its hash'),
  ).addHelpText(
    'after',
    `${examples('labbook rerun 42', 'labbook rerun 3fa9c1 --json')}\nThe new run's history says which run it reruns (labbook show). Exit status: 0 it completed, 1 it failed, 130 interrupted.\n`,
  );
  bindAction(command, ctx, (ctx, options: RerunOptions, ref: string) => rerun(ctx, options, ref));
}

async function rerun(ctx: CommandContext, options: RerunOptions, ref: string): Promise<number> {
  const settings = engineSettings(ctx, { ...options, jobs: '1' }, []);
  return withStore(ctx, options, async (store) => {
    const queue = new Queue(store, { clock: ctx.clock });
    const original = await resolveRun(store, ref);
    const spec = await rerunnableSpec(queue, original);
    if (settings.machine) assertSpecFitsMachine(spec, settings.machine);
    if (!spec.code?.tree) {
      ctx.log.warn(
        `run ${original.id} was added without a code snapshot: the rerun executes the code as it is now (add with --snapshot to record it)`,
      );
    }
    const added = (await queue.rerun(original.id)) as RunRecord;
    const commit = spec.code?.commit ? `, commit ${spec.code.commit.slice(0, 12)}` : '';
    ctx.log.info(`run ${added.id}: rerun of run ${original.id} (${original.experiment}, spec version ${original.specVersion}${commit})`);
    const result = await runSessionHere(ctx, {
      ...settings,
      notify: spec.notify,
      store,
      experiments: [original.experiment],
      wait: false,
      waitForOthers: false,
      maxRuns: 1,
    });
    const done = (await store.getRun(added.id)) as RunRecord;
    if (options.json) printJson(ctx, { ...done, rerunOf: original.id });
    else {
      ctx.stderr.write(sessionSummary(result));
      print(ctx, `run ${done.id} (rerun of run ${original.id}): ${done.state}`);
    }
    if (result.interrupted) return EXIT_INTERRUPTED;
    return done.state === 'COMPLETED' ? EXIT_OK : EXIT_FAILED_RUNS;
  });
}

/** The spec run `run` executed, when it is finished and labbook executed it (not a run recorded by hand, nor a Python driver's). */
async function rerunnableSpec(queue: Queue, run: RunRecord): Promise<ExperimentSpec> {
  if (run.state !== 'COMPLETED' && run.state !== 'FAILED') {
    throw new UsageError(`run ${run.id} is ${run.state}: rerun executes a finished run (COMPLETED or FAILED) again`);
  }
  const raw = run.specVersion === null ? undefined : await queue.plannedSpec(run);
  const spec = raw === undefined ? undefined : specFromRaw(raw).spec;
  if (!spec || !executesRuns(spec)) {
    throw new UsageError(`run ${run.id} was recorded by a script run by hand: labbook has nothing to execute; run the script again`);
  }
  if (spec.driver) {
    throw new UsageError(`run ${run.id} was executed by a Python driver (driver: python): rerun the script that added it`);
  }
  return spec;
}

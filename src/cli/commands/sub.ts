import type { Command } from 'commander';
import { describeEnqueue } from '../../queue/describe-enqueue.js';
import { assertInstalled } from '../../scheduler/run-command.js';
import { scriptSubmission } from '../../scheduler/script-spec.js';
import { jobPaths, submitJob } from '../../scheduler/submit-job.js';
import { expandGrid } from '../../spec/expand-grid.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type CommandContext, type GlobalOptions, print, printJson, storeDirOf, withStore } from '../context.js';
import { addSchedulerOptions, printDryRun, type SchedulerFlags, schedulerOf, workerJob } from '../scheduler-options.js';
import { addEnqueueFlags, type EnqueueFlags, enqueueOptions, enqueueSpec } from './add.js';

interface SubOptions extends GlobalOptions, EnqueueFlags, SchedulerFlags {
  name?: string;
}

export function defineSub(program: Command, ctx: CliContext): void {
  const command = addSchedulerOptions(
    addEnqueueFlags(
      program
        .command('sub')
        .description("MLXP's mlxpsub: submit a batch script once per combination of the overrides, keeping its own #SBATCH lines")
        .argument('<script>', 'a bash script with the scheduler\'s directives (#SBATCH …); it gets its combination as arguments ("$@")')
        .argument('[overrides...]', 'Hydra-style overrides, one run per combination: lr=10.,1. seed=1,2')
        .option('--name <experiment>', "the experiment of the runs (default: the script's name)"),
    ),
  ).addHelpText(
    'after',
    `${examples('labbook sub script.sh lr=10.,1. seed=1,2', 'labbook sub script.sh lr=10.,1. seed=1,2 --snapshot', 'labbook sub script.sh lr=10.,1. --dry-run')}\n` +
      'Each combination is a run of the store, executed as `bash script.sh lr=10 seed=1` by a worker of its own task\n' +
      '(one job array, a task per run): a script ending in `python main.py "$@"` runs main.py with its combination.\n',
  );
  bindAction(command, ctx, (ctx, options: SubOptions, script: string, overrides: string[]) => sub(ctx, options, script, overrides));
}

async function sub(ctx: CommandContext, options: SubOptions, script: string, overrides: string[]): Promise<number> {
  const scheduler = schedulerOf(options);
  const { loaded, directives } = scriptSubmission(script, overrides, {
    cwd: ctx.cwd,
    directivePrefix: scheduler.directivePrefix,
    ...(options.name !== undefined && { name: options.name }),
  });
  const storeDir = storeDirOf(ctx, options);
  const name = loaded.spec.name;
  const submittedAt = ctx.clock.now();
  const paths = jobPaths(storeDir, name, submittedAt);
  // A task per run: each worker executes one run and ends, as mlxpsub's one job per combination.
  const jobOf = (workers: number) =>
    workerJob(options, { name, workers, cwd: ctx.cwd, logDir: paths.logDir, directives }, storeDir, ['--max-runs', '1']);
  if (options.dryRun) {
    printDryRun(ctx, scheduler, jobOf(expandGrid(loaded.spec).length), paths.script, options.json);
    return 0;
  }
  assertInstalled(scheduler, scheduler.submitCommand(jobOf(1), paths.script), ctx.env);
  const enqueue = enqueueOptions(ctx, options, ['FAILED', 'CANCELLED']);
  const { enqueued, pending } = await withStore(ctx, options, async (store) => {
    // MLXP's version manager: with --snapshot each task runs the script and code as they are now.
    const enqueued = await enqueueSpec(ctx, store, script, loaded, options, enqueue);
    const counts = await store.countRuns({ experiments: [name], states: ['PENDING'] });
    return { enqueued, pending: counts.reduce((sum, row) => sum + row.count, 0) };
  });
  const record =
    pending > 0
      ? submitJob(scheduler, jobOf(pending), { storeDir, scriptPath: paths.script, experiment: name, submittedAt }, ctx.env)
      : undefined;
  if (options.json) {
    printJson(ctx, {
      experiment: name,
      ...enqueued.counts,
      scheduler: scheduler.name,
      jobIds: record?.jobIds ?? [],
      tasks: record?.tasks ?? [],
    });
  } else {
    print(ctx, describeEnqueue(enqueued, enqueue).join('\n'));
    print(
      ctx,
      record
        ? `Submitted ${scheduler.name} job ${record.jobIds.join(', ')}: ${pending} task${pending === 1 ? '' : 's'}, one per run (labbook jobs shows them).`
        : 'Nothing to submit: every run of these combinations is already done or running.',
    );
  }
  return 0;
}

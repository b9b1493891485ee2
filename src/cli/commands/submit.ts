import type { Command } from 'commander';
import { SpecError } from '../../errors.js';
import { describeEnqueue } from '../../queue/describe-enqueue.js';
import { taskResources } from '../../scheduler/resources.js';
import { assertInstalled } from '../../scheduler/run-command.js';
import { jobPaths, submitJob } from '../../scheduler/submit-job.js';
import { executesRuns } from '../../spec/executes-runs.js';
import type { LoadedSpec } from '../../spec/load-spec.js';
import { bindAction, examples, positiveInteger } from '../command-kit.js';
import { type CliContext, type CommandContext, type GlobalOptions, print, printJson, storeDirOf, withStore } from '../context.js';
import { addSchedulerOptions, printDryRun, type SchedulerFlags, schedulerOf, workerJob } from '../scheduler-options.js';
import { addEnqueueFlags, type EnqueueFlags, enqueueOptions, enqueueSpec, loadSpecToEnqueue } from './add.js';

interface SubmitOptions extends GlobalOptions, EnqueueFlags, SchedulerFlags {
  workers: string;
}

export function defineSubmit(program: Command, ctx: CliContext): void {
  const command = addSchedulerOptions(
    addEnqueueFlags(
      program
        .command('submit')
        .description("add a spec's runs to the queue and submit workers for them to the cluster's scheduler, as one job array")
        .argument('<spec>', 'YAML experiment spec')
        .argument('[overrides...]', 'Hydra-style overrides: lr=0.1,0.01 seed=range(5)')
        .option('-w, --workers <n>', 'how many workers (array tasks) pull runs from the store', '1'),
    ),
  ).addHelpText(
    'after',
    `${examples(
      'labbook submit sweep.yaml --workers 4',
      'labbook submit sweep.yaml --workers 8 --partition gpu --time 4:00:00 --gres gpu:1',
      'labbook submit sweep.yaml --workers 4 --scheduler sge --dry-run',
    )}\nEach task runs \`labbook worker\` on this store; the spec's resources (cpus, gpus, memory) are asked per task.\n` +
      'Follow the jobs with `labbook jobs`, the runs with `labbook status`; `labbook cancel --jobs` cancels the jobs.\n',
  );
  bindAction(command, ctx, (ctx, options: SubmitOptions, file: string, overrides: string[]) => submit(ctx, options, file, overrides));
}

async function submit(ctx: CommandContext, options: SubmitOptions, file: string, overrides: string[]): Promise<number> {
  const scheduler = schedulerOf(options);
  const workers = positiveInteger(options.workers, '--workers', 'labbook submit sweep.yaml --workers 4');
  const loaded = loadSpecToEnqueue(ctx, file, overrides);
  refuseWhatWorkersCannotRun(file, loaded);
  const enqueue = enqueueOptions(ctx, options, []);
  const storeDir = storeDirOf(ctx, options);
  const name = loaded.spec.name;
  const submittedAt = ctx.clock.now();
  const paths = jobPaths(storeDir, name, submittedAt);
  const job = workerJob(
    options,
    { name, workers, cwd: ctx.cwd, logDir: paths.logDir, directives: [], ...taskResources(loaded.spec.resources) },
    storeDir,
  );
  if (options.dryRun) {
    printDryRun(ctx, scheduler, job, paths.script, options.json);
    return 0;
  }
  assertInstalled(scheduler, scheduler.submitCommand(job, paths.script), ctx.env);
  // With --snapshot (or code: {snapshot: true}) the runs execute the code as it is now, whenever a task starts.
  const enqueued = await withStore(ctx, options, (store) => enqueueSpec(ctx, store, file, loaded, options, enqueue));
  const record = submitJob(scheduler, job, { storeDir, scriptPath: paths.script, experiment: name, submittedAt }, ctx.env);
  if (options.json) {
    printJson(ctx, {
      experiment: name,
      ...enqueued.counts,
      scheduler: scheduler.name,
      jobIds: record.jobIds,
      tasks: record.tasks,
      script: record.script,
    });
  } else {
    print(ctx, describeEnqueue(enqueued, enqueue).join('\n'));
    print(
      ctx,
      `Submitted ${scheduler.name} job ${record.jobIds.join(', ')}: ${workers} worker${workers === 1 ? '' : 's'} (labbook jobs shows them).`,
    );
  }
  return 0;
}

/** Workers execute commands and functions; a spec without either, or a Python driver's, has nothing for them. */
export function refuseWhatWorkersCannotRun(file: string, loaded: LoadedSpec): void {
  if (executesRuns(loaded.spec) && !loaded.spec.driver) return;
  throw new SpecError([
    {
      file,
      key: 'command',
      message:
        "the cluster's workers need something to execute: a command (e.g. command: python train.py --lr {lr}) or a function; " +
        "a Python driver's runs execute in the driver's own processes",
    },
  ]);
}

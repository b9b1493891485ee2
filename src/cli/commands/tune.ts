import type { Command } from 'commander';
import { SpecError, UsageError } from '../../errors.js';
import type { Direction } from '../../search/types.js';
import { expandGrid } from '../../spec/expand-grid.js';
import { loadSpecFile } from '../../spec/load-spec.js';
import type { JsonObject } from '../../spec/types.js';
import { PRUNER_NAMES, SAMPLER_NAMES, Study } from '../../study/index.js';
import { summarizeStudy } from '../../study/study-summary.js';
import { trialPruneHook } from '../../study/trial-pruning.js';
import { type TuneReport, tuneStudy } from '../../study/tune.js';
import { type TuneCell, tuneCells } from '../../study/tune-cells.js';
import { formatParams } from '../../util/format-values.js';
import { bindAction, examples, positiveInteger } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { addEngineOptions, type EngineOptions, engineSettings } from '../engine-options.js';
import { runSessionHere } from '../session-controls.js';

/** How often the tune loop and its session look for finished and new trials: a trial's latency beside its run. */
const TUNE_POLL_MS = 100;

interface TuneOptions extends GlobalOptions, EngineOptions {
  trials: string;
  sampler: string;
  pruner?: string;
  direction: string;
  objective: string;
  seed?: string;
  study?: string;
}

export function defineTune(program: Command, ctx: CliContext): void {
  const command = addEngineOptions(
    program
      .command('tune')
      .description(
        "search a spec's search: space: the study asks, the runs evaluate each trial here (and on any worker), results are told back",
      )
      .argument('<spec>', 'YAML experiment spec with a search: block (docs/search.md)')
      .requiredOption('--trials <n>', 'how many trials the study should have finished in all (a resumed study counts its earlier ones)')
      .option('--sampler <name>', `how trials are proposed: ${SAMPLER_NAMES.join(', ')}`, 'tpe')
      .option('--pruner <name>', `stop unpromising runs on what they report (ctx.should_prune): ${PRUNER_NAMES.join(', ')}`)
      .option('--direction <directions>', 'minimize or maximize, one per objective (comma-separated)', 'minimize')
      .option('--objective <keys>', "what each run is judged on: its result's key, else the metric's last value (comma-separated)", 'value')
      .option('--seed <n>', 'the same seed gives the same trials (default: drawn, and printed)')
      .option('--study <name>', 'the study (default: the spec name); an existing one resumes'),
  ).addHelpText(
    'after',
    `${examples(
      'labbook tune svm.yaml --trials 100 --objective loss',
      'labbook tune svm.yaml --trials 200 --sampler tpe --pruner asha --direction maximize --objective accuracy -j 4',
    )}\nCtrl-C stops asking; running the same command again resumes the study. Results: labbook study NAME.\n`,
  );
  bindAction(command, ctx, async (ctx, options: TuneOptions, file: string) => {
    const trials = positiveInteger(options.trials, '--trials', '--trials 100');
    const loaded = loadSpecFile(file, [], ctx.cwd);
    const { spec, raw } = loaded;
    if (!spec.search) {
      throw new SpecError([
        { file, key: 'search', message: 'labbook tune needs a search: block, e.g. search: {lr: {loguniform: [1e-5, 0.1]}}' },
      ]);
    }
    const cells = tuneCells(expandGrid(spec), raw.seeds !== undefined);
    const directions = options.direction.split(',').map((d) => d.trim()) as Direction[];
    const bad = directions.find((d) => d !== 'minimize' && d !== 'maximize');
    if (bad !== undefined) throw new UsageError(`--direction '${bad}': give minimize or maximize, one per objective`);
    const objectives = options.objective.split(',').map((o) => o.trim());
    const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInteger(options.seed, '--seed', '--seed 42', 0);
    const settings = engineSettings(ctx, options, spec.notify);
    return withStore(ctx, options, async (store) => {
      const experiment = await store.saveExperiment(spec.name, raw as unknown as JsonObject, ctx.clock.now());
      const studyName = options.study ?? spec.name;
      const cellStudy = (cell: TuneCell) =>
        Study.create(
          store,
          {
            name: cell.label === undefined ? studyName : `${studyName}/${cell.label}`,
            experiment: spec.name,
            space: raw.search as JsonObject,
            sampler: { name: options.sampler, options: {} },
            ...(options.pruner && { pruner: { name: options.pruner, options: {} } }),
            directions,
            objectives,
            seed,
          },
          { clock: ctx.clock, loadIfExists: true },
        );
      // The session evaluates the trials' runs as they come, and ends once the tuning is done (or on Ctrl-C).
      let tuning = true;
      const session = runSessionHere(ctx, {
        ...settings,
        store,
        experiments: [spec.name],
        wait: false,
        waitForOthers: false,
        waitWhile: async () => tuning,
        pollMs: TUNE_POLL_MS,
        shouldPrune: trialPruneHook(store, ctx.clock),
      });
      let interrupted = false;
      const outcomes: object[] = [];
      // One cell after the other, each a study of its own, all with the same seed.
      for (const cell of cells) {
        const study = await cellStudy(cell);
        if (!options.json)
          ctx.log.info(`study ${study.name}: ${trials} trials of ${spec.name}${seedsNote(cell)}, seed ${study.record.seed}`);
        const report = await tuneStudy({
          store,
          study,
          trials,
          parallel: settings.slots,
          queue: { specVersion: experiment.specVersion, baseParams: cell.params, retries: spec.retries },
          ...(cell.seeds && { seeds: cell.seeds }),
          now: () => ctx.clock.now(),
          stopped: session,
          pollMs: TUNE_POLL_MS,
        });
        await study.close();
        const summary = summarizeStudy(study.record, study.space, await study.trials());
        outcomes.push({
          study: study.name,
          seed: study.record.seed,
          ...report,
          best: summary.best ?? null,
          pareto: summary.pareto,
        } as unknown as JsonObject);
        if (!options.json) printReport(ctx, report, summary, objectives, study.name);
        interrupted = report.interrupted;
        if (interrupted) break;
      }
      tuning = false;
      await session;
      // --json: one cell's outcome as an object, several cells' as an array of them.
      if (options.json) printJson(ctx, outcomes.length === 1 ? outcomes[0] : outcomes);
      return interrupted ? 130 : 0;
    });
  });
}

const seedsNote = (cell: TuneCell) => (cell.seeds ? `, each over ${cell.seeds.length} seeds` : '');

/** One study's counts and best trial. */
function printReport(
  ctx: CliContext,
  { counts }: TuneReport,
  summary: ReturnType<typeof summarizeStudy>,
  objectives: readonly string[],
  name: string,
): void {
  print(ctx, `study ${name}: ${counts.COMPLETE} COMPLETE, ${counts.PRUNED} PRUNED, ${counts.FAILED} FAILED, ${counts.RUNNING} RUNNING`);
  if (summary.best) {
    print(
      ctx,
      `best trial ${summary.best.number} (run ${summary.best.runId}): ${objectives[0]} ${summary.best.values?.[0]}  ${formatParams(summary.best.params)}`,
    );
  }
}

import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { TrialRecord } from '../../domain/study.js';
import { UsageError } from '../../errors.js';
import { Study } from '../../study/index.js';
import { historyChartSpec, parallelChartSpec, paretoChartSpec, STUDY_CHARTS, type StudyChart } from '../../study/study-charts.js';
import { type StudySummary, summarizeStudy } from '../../study/study-summary.js';
import { renderSvg, svgToPng } from '../../track/render-chart.js';
import { formatParams } from '../../util/format-values.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { textTable } from '../output/text-table.js';

interface StudyOptions extends GlobalOptions {
  plot?: string;
  output?: string;
}

export function defineStudy(program: Command, ctx: CliContext): void {
  const command = program
    .command('study')
    .description(
      'a study: its best trial (or Pareto front), parameter importance and trials; --plot draws its history, parallel coordinates or Pareto front',
    )
    .argument('<name>', 'the study, as created by labbook.create_study (docs/studies.md)')
    .option('--plot <chart>', `draw a chart instead: ${STUDY_CHARTS.join(', ')}`)
    .option('-o, --output <file>', 'where --plot writes: a .png or .svg file')
    .addHelpText('after', examples('labbook study quad', 'labbook study quad --plot history -o history.png', 'labbook study quad --json'));
  bindAction(command, ctx, async (ctx, options: StudyOptions, name: string) => {
    const chart = checkPlotOptions(options);
    const { study, trials } = await withStore(ctx, options, async (store) => {
      const study = await Study.load(store, name);
      return { study, trials: await study.trials() };
    });
    const summary = summarizeStudy(study.record, study.space, trials);
    if (chart) {
      const spec =
        chart === 'history'
          ? historyChartSpec(study.record, trials)
          : chart === 'parallel'
            ? parallelChartSpec(study.record, study.space, trials)
            : paretoChartSpec(study.record, trials, summary.pareto);
      const svg = await renderSvg(spec);
      const path = resolve(ctx.cwd, options.output as string);
      await writeFile(path, extname(path).toLowerCase() === '.svg' ? svg : await svgToPng(svg));
      if (options.json) printJson(ctx, { output: path, chart, trials: trials.length });
      else print(ctx, `Wrote ${options.output} (${chart} of ${trials.length} trials).`);
      return 0;
    }
    const { id: _id, experimentId: _experimentId, ...record } = study.record;
    if (options.json) printJson(ctx, { ...record, ...summary, trials: trials.map(trialJson) });
    else print(ctx, render(study, summary, trials));
    return 0;
  });
}

function checkPlotOptions(options: StudyOptions): StudyChart | undefined {
  if (options.plot === undefined) {
    if (options.output !== undefined) throw new UsageError(`-o names where a chart goes: add --plot ${STUDY_CHARTS.join('|')}`);
    return undefined;
  }
  if (!STUDY_CHARTS.includes(options.plot as StudyChart)) {
    throw new UsageError(`unknown chart '${options.plot}': --plot takes ${STUDY_CHARTS.join(', ')}`);
  }
  const format = extname(options.output ?? '').toLowerCase();
  if (format !== '.png' && format !== '.svg') throw new UsageError('--plot needs -o FILE ending in .png or .svg');
  return options.plot as StudyChart;
}

function trialJson(trial: TrialRecord) {
  const { studyId: _studyId, leaseOwner: _owner, leaseExpiresAt: _expires, runId, ...rest } = trial;
  return { ...rest, run: runId };
}

function render(study: Study, summary: StudySummary, trials: readonly TrialRecord[]): string {
  const { record } = study;
  const objectives = record.objectives.map((o, i) => `${o} (${record.directions[i]})`).join(', ');
  const component = (c: { name: string; options: object } | undefined) =>
    c ? `${c.name}${Object.keys(c.options).length ? ` ${JSON.stringify(c.options)}` : ''}` : 'none';
  const { counts } = summary;
  const lines = [
    `study ${record.name} (trials are runs of ${record.experiment})`,
    `  sampler    ${component(record.sampler)}`,
    `  pruner     ${component(record.pruner)}`,
    `  objective  ${objectives}`,
    `  seed       ${record.seed}`,
    `  trials     ${trials.length}: ${counts.COMPLETE} COMPLETE, ${counts.PRUNED} PRUNED, ${counts.FAILED} FAILED, ${counts.RUNNING} RUNNING`,
  ];
  if (summary.best) {
    const { best } = summary;
    lines.push(
      `best trial ${best.number} (run ${best.runId}): ${record.objectives[0]} ${best.values?.[0]}`,
      `  ${formatParams(best.params)}`,
    );
  } else if (record.directions.length > 1) {
    lines.push(`Pareto front: ${summary.pareto.length} trial(s)`, indent(trialTable(record.objectives, summary.pareto)));
  }
  if (counts.COMPLETE > 1) {
    lines.push(
      `parameter importance (the share of the variance of ${record.objectives[0]} each parameter explains alone)`,
      indent(
        textTable(
          ['parameter', 'importance'],
          summary.importance.map((i) => [i.parameter, Number(i.importance.toFixed(3))]),
        ),
      ),
    );
  }
  lines.push('trials', indent(trialTable(record.objectives, trials)));
  return lines.join('\n');
}

function trialTable(objectives: readonly string[], trials: readonly TrialRecord[]): string {
  return textTable(
    ['trial', 'state', ...objectives, 'run', 'params'],
    trials.map((t) => [t.number, t.state, ...objectives.map((_, i) => t.values?.[i] ?? '-'), t.runId, formatParams(t.params)]),
  );
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

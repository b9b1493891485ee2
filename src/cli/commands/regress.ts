import type { Command } from 'commander';
import { parseEntityFilter, parseTolerance, type RegressReport, regress } from '../../lineage/index.js';
import { createNotifier } from '../../notify/index.js';
import { parseNotifyOption } from '../../spec/notify-config.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, withStore } from '../context.js';
import { modelLabel } from './leaderboard.js';

interface RegressOptions extends GlobalOptions {
  baseline: string;
  candidate: string;
  metric: string;
  tolerance: string;
  notify?: string[];
}

export function defineRegress(program: Command, ctx: CliContext): void {
  const command = program
    .command('regress')
    .description('check candidate evaluations against the best comparable baselines: exit status 1 on a regression (for CI)')
    .requiredOption('--baseline <filter>', "the historical evaluations, as an entity filter: 'task=digits tag=released'")
    .requiredOption('--candidate <filter>', "the evaluations to check: 'task=digits upstream=transform:pipeline@2'")
    .requiredOption('--metric <name>', 'the metric to compare')
    .option('--tolerance <amount>', 'how much worse a candidate may be: an amount (0.01) or a percentage of the baseline (1%)', '0')
    .option('--notify <channel...>', 'announce a regression: console, webhook=URL or email=ADDR[,ADDR] (repeatable)')
    .addHelpText(
      'after',
      examples(
        "labbook regress --baseline 'task=digits tag=released' --candidate 'task=digits tag=candidate' --metric accuracy --tolerance 0.005",
        "labbook regress --baseline 'tag=released' --candidate 'name=accuracy version=ci' --metric accuracy --notify webhook=https://hooks.example/x",
      ),
    );
  bindAction(command, ctx, async (ctx, options: RegressOptions) => {
    const request = {
      baseline: parseEntityFilter(options.baseline),
      candidate: parseEntityFilter(options.candidate),
      metric: options.metric,
      tolerance: parseTolerance(options.tolerance),
    };
    const notify = (options.notify ?? []).map((value) => parseNotifyOption(value, ctx.env));
    const report = await withStore(ctx, options, (store) => regress(store, request));
    if (options.json) printJson(ctx, report);
    else print(ctx, renderReport(report));
    if (report.regressions > 0 && notify.length > 0) {
      const notifier = createNotifier(notify, { warn: (message) => ctx.log.warn(message), env: ctx.env });
      await notifier.regressed(regressionNotice(report));
      await notifier.close();
    }
    return report.regressions > 0 ? 1 : 0;
  });
}

function regressionNotice(report: RegressReport) {
  const checked = report.checks.filter((check) => check.baseline);
  return {
    metric: report.metric,
    checked: checked.length,
    regressions: checked
      .filter((check) => check.regressed)
      .map(({ candidate, baseline }) => ({
        candidate: modelLabel(candidate.model),
        value: candidate.value,
        baseline: modelLabel(baseline?.model ?? candidate.model),
        baselineValue: baseline?.value ?? Number.NaN,
      })),
  };
}

function renderReport(report: RegressReport): string {
  const lines = report.checks.map(({ candidate, baseline, worseBy, regressed }) => {
    const head = `${regressed ? 'REGRESSED' : baseline ? 'ok       ' : 'unchecked'} ${modelLabel(candidate.model)} ${report.metric} = ${candidate.value}`;
    if (!baseline) return `${head}: no comparable baseline (computed on ${candidate.on})`;
    return `${head} vs ${baseline.value} of ${modelLabel(baseline.model)} (${(worseBy ?? 0) > 0 ? `worse by ${worseBy}` : 'not worse'})`;
  });
  lines.push(
    '',
    report.regressions > 0 ? `${report.regressions} regression(s) in ${report.metric}.` : `No regression in ${report.metric}.`,
  );
  return lines.join('\n');
}

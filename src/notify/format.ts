import type { RunState } from '../domain/index.js';
import { errorLine } from '../util/error-line.js';
import type { RegressionNotice, RunNotice, RunSummary } from './types.js';

/** Wording shared by the channels, so that console, chat and mail say the same thing. */

const MAX_LISTED_FAILURES = 20;
const STATE_ORDER: readonly RunState[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'RUNNING', 'PENDING'];

/** `sweep: run 12 failed (attempt 2, TIMED_OUT)` */
export function failedHeadline(run: RunNotice): string {
  const details = [`attempt ${run.attempt}`, ...(run.reason ? [run.reason] : [])].join(', ');
  return `${run.experiment}: run ${run.runId} failed (${details})`;
}

/** The headline with the error's first line and the count of notices held back before it. */
export function failedText(run: RunNotice, suppressed: number): string {
  const error = errorLine(run.error);
  return `${failedHeadline(run)}${error ? `: ${error}` : ''}${suppressedNote(suppressed, ' (', ')')}`;
}

/** The test message the dashboard sends (notify's `test`). */
export function testText(experiment: string): string {
  return `${experiment}: test message from the labbook dashboard; this channel receives the experiment's notices`;
}

/** `sweep finished — 43 completed, 2 failed`; a worker that found nothing to execute says so. */
export function finishedHeadline(summary: RunSummary): string {
  const ended = summary.interrupted ? 'interrupted' : 'finished';
  const what = summary.experiments.length > 0 ? `${summary.experiments.join(', ')} ${ended}` : `worker ${ended}, no runs executed`;
  return `${what} — ${countsText(summary.counts)}`;
}

/** The headline, then duration and store, then the failures with their error's first line. */
export function finishedText(summary: RunSummary, suppressed: number): string {
  const lines = [finishedHeadline(summary), `Took ${formatDuration(summary.durationMs)}; store: ${summary.store}`];
  if (summary.failures.length > 0) {
    lines.push('', 'Failures:');
    for (const run of summary.failures.slice(0, MAX_LISTED_FAILURES)) lines.push(`- ${failedText(run, 0)}`);
    const more = summary.failures.length - MAX_LISTED_FAILURES;
    if (more > 0) lines.push(`- … and ${more} more (labbook ls 'state == "FAILED"')`);
  }
  const note = suppressedNote(suppressed, '', '.');
  if (note) lines.push('', note.charAt(0).toUpperCase() + note.slice(1));
  return lines.join('\n');
}

/** `accuracy regressed: 2 of 5 candidates worse than their baseline` */
export function regressionHeadline(notice: RegressionNotice): string {
  return `${notice.metric} regressed: ${notice.regressions.length} of ${notice.checked} candidates worse than their baseline`;
}

/** The headline, then one line per regression. */
export function regressionText(notice: RegressionNotice): string {
  return [
    regressionHeadline(notice),
    ...notice.regressions.map((r) => `- ${r.candidate}: ${r.value} (baseline ${r.baseline}: ${r.baselineValue})`),
  ].join('\n');
}

/** `43 completed, 2 failed`, plus the other states that are not empty. */
export function countsText(counts: Readonly<Record<RunState, number>>): string {
  return STATE_ORDER.filter((s) => s === 'COMPLETED' || s === 'FAILED' || (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s] ?? 0} ${s.toLowerCase()}`)
    .join(', ');
}

export function suppressedNote(suppressed: number, before: string, after: string): string {
  if (suppressed === 0) return '';
  const notices = suppressed === 1 ? '1 earlier failure notice was' : `${suppressed} earlier failure notices were`;
  return `${before}${notices} held back by min_interval${after}`;
}

/** `850ms`, `12s`, `3m 4s`, `2h 5m` */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

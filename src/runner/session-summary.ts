import type { RunRecord } from '../domain/index.js';
import { EXIT_FAILED_RUNS, EXIT_INTERRUPTED, EXIT_OK } from '../errors.js';
import { errorLine } from '../util/error-line.js';
import { formatParams } from '../util/format-values.js';
import type { SessionResult } from './session.js';

/**
 * The end of a session as `labbook run` and `labbook worker` tell it, and as the engine tells a
 * Python driver whose session it ran: one exit status, one outcome, one summary.
 */

/** Interrupted, else some runs failed, else fine. */
export function sessionExitStatus({ interrupted, failures }: SessionResult): number {
  return interrupted ? EXIT_INTERRUPTED : failures.length > 0 ? EXIT_FAILED_RUNS : EXIT_OK;
}

/** What `--json` prints at the end of a session: the worker's report, whether it was interrupted, counts and failures. */
export function sessionOutcome({ report, interrupted, counts, failures }: SessionResult): object {
  return { ...report, interrupted, counts, failures: failures.map((run) => ({ id: run.id, params: run.params, error: run.error })) };
}

/**
 * What `--report` writes, and what the engine answers a Python driver's session with: the
 * outcome, the ids of the runs started here (`started`) and the runs `runs` lists.
 */
export async function sessionReport(result: SessionResult, runs: () => Promise<Array<Partial<RunRecord>>>): Promise<object> {
  return { ...sessionOutcome(result), started: result.started, runs: await runs() };
}

/** Counts, the first failures with their first error line, and what to do next: for stderr. */
export function sessionSummary({ report, counts, failures, interrupted }: SessionResult): string {
  const lines = [
    `${report.completed} completed, ${report.failed} failed, ${report.requeued} requeued by this worker` +
      ` — ${counts.COMPLETED} completed, ${counts.FAILED} failed, ${counts.PENDING} pending, ${counts.RUNNING} running in all`,
  ];
  for (const run of failures.slice(0, 10)) {
    lines.push(`  ✗ run ${run.id} (${formatParams(run.params)}): ${errorLine(run.error ?? run.failureReason ?? '')}`);
  }
  if (failures.length > 10) lines.push(`  … and ${failures.length - 10} more: labbook ls --state FAILED`);
  if (failures.length > 0) lines.push("See a run's error with: labbook show RUN, its output with: labbook logs RUN");
  if (interrupted) lines.push('Interrupted: run the same command again to resume (completed runs are kept).');
  return `${lines.join('\n')}\n`;
}

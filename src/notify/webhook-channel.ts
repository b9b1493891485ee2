import { errorLine } from '../util/error-line.js';
import { failedText, finishedText, redactUrl } from './format.js';
import type { Channel, Notice } from './types.js';

/**
 * POSTs JSON to a URL. `text` is what Slack (and Mattermost, Discord's /slack endpoint)
 * display; the other fields are for programs that receive the hook.
 */
export function webhookChannel(url: string, timeoutMs: number): Channel {
  return {
    label: `webhook ${redactUrl(url)}`,
    async deliver(notice: Notice): Promise<void> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'labbook' },
          body: JSON.stringify(webhookBody(notice)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Read the answer so that the connection is released; its content does not matter.
        await response.arrayBuffer();
      } catch (error) {
        throw new Error(fetchProblem(error, timeoutMs), { cause: error });
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    },
    async close(): Promise<void> {},
  };
}

export function webhookBody(notice: Notice): Record<string, unknown> {
  if (notice.event === 'failed') {
    const { run } = notice;
    return {
      text: `labbook: ${failedText(run, notice.suppressed)}`,
      event: 'failed',
      experiment: run.experiment,
      run: { id: run.runId, hash: run.hash, params: run.params, attempt: run.attempt, reason: run.reason, error: errorLine(run.error) },
      suppressed: notice.suppressed,
    };
  }
  const { summary } = notice;
  return {
    text: `labbook: ${finishedText(summary, notice.suppressed)}`,
    event: 'finished',
    experiment: summary.experiments.join(', '),
    experiments: summary.experiments,
    counts: summary.counts,
    durationMs: summary.durationMs,
    interrupted: summary.interrupted,
    failures: summary.failures.map((run) => ({
      experiment: run.experiment,
      id: run.runId,
      hash: run.hash,
      attempt: run.attempt,
      reason: run.reason,
      error: errorLine(run.error),
    })),
    suppressed: notice.suppressed,
    store: summary.store,
  };
}

/** `ECONNREFUSED`, `timed out after 5s`: fetch hides the cause behind "fetch failed". */
function fetchProblem(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs / 1000}s`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

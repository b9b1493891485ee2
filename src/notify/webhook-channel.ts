import { maskUrl } from '../spec/mask-secrets.js';
import { errorLine } from '../util/error-line.js';
import { failedText, finishedText, regressionText, testText } from './format.js';
import { type PostOptions, postJson } from './post-json.js';
import type { Channel, Notice } from './types.js';

/**
 * POSTs JSON to a URL. `text` is what Slack (and Mattermost, Discord's /slack endpoint)
 * display; the other fields are for programs that receive the hook.
 */
export function webhookChannel(url: string, options: PostOptions): Channel {
  return {
    label: `webhook ${maskUrl(url, 'path')}`,
    async deliver(notice: Notice): Promise<void> {
      const { status, statusText } = await postJson(url, JSON.stringify(webhookBody(notice)), options);
      if (status < 200 || status > 299) throw new Error(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    },
    async close(): Promise<void> {},
  };
}

export function webhookBody(notice: Notice): Record<string, unknown> {
  if (notice.event === 'test') return { text: `labbook: ${testText(notice.experiment)}`, event: 'test', experiment: notice.experiment };
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
  if (notice.event === 'regressed') {
    return { text: `labbook: ${regressionText(notice.regression)}`, event: 'regressed', ...notice.regression };
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

import { failedText, finishedHeadline, formatDuration, regressionHeadline, suppressedNote } from './format.js';
import type { Channel, Notice } from './types.js';

/** One line per notice; the engine prints the full summary itself, so `finished` stays short. */
export function consoleChannel(say: (line: string) => void): Channel {
  return {
    label: 'console',
    deliver(notice: Notice): undefined {
      const line =
        notice.event === 'failed'
          ? failedText(notice.run, notice.suppressed)
          : notice.event === 'regressed'
            ? regressionHeadline(notice.regression)
            : `${finishedHeadline(notice.summary)} in ${formatDuration(notice.summary.durationMs)}${suppressedNote(notice.suppressed, ' (', ')')}`;
      say(line);
      return undefined;
    },
    async close(): Promise<void> {},
  };
}

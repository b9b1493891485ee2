import { failedText, finishedHeadline, formatDuration, regressionHeadline, suppressedNote, testText } from './format.js';
import type { Channel, Notice } from './types.js';

/** One line per notice; the engine prints the full summary itself, so `finished` stays short. */
export function consoleChannel(say: (line: string) => void): Channel {
  return {
    label: 'console',
    deliver(notice: Notice): undefined {
      if (notice.event === 'test') say(testText(notice.experiment));
      else if (notice.event === 'failed') say(failedText(notice.run, notice.suppressed));
      else if (notice.event === 'regressed') say(regressionHeadline(notice.regression));
      else
        say(
          `${finishedHeadline(notice.summary)} in ${formatDuration(notice.summary.durationMs)}${suppressedNote(notice.suppressed, ' (', ')')}`,
        );
      return undefined;
    },
    async close(): Promise<void> {},
  };
}

import { createTransport } from 'nodemailer';
import { failedHeadline, failedText, finishedHeadline, finishedText, redactUrl } from './format.js';
import type { Channel, Notice, RunNotice } from './types.js';

export interface EmailTarget {
  to: string[];
  from: string;
  smtp: string;
}

function failedBody(run: RunNotice, suppressed: number): string {
  const lines = [failedText(run, suppressed), '', `Parameters: ${JSON.stringify(run.params)}`, `Hash: ${run.hash}`];
  if (run.error.trim()) lines.push('', run.error.trim());
  return lines.join('\n');
}

/** Plain-text mail over SMTP (nodemailer); one connection per message, as notices are rare. */
export function emailChannel(target: EmailTarget, timeoutMs: number): Channel {
  const transport = createTransport({
    url: target.smtp,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    label: `email to ${target.to.join(', ')} via ${redactUrl(target.smtp)}`,
    async deliver(notice: Notice): Promise<void> {
      await transport.sendMail({
        from: target.from,
        to: target.to,
        subject: `labbook: ${notice.event === 'failed' ? failedHeadline(notice.run) : finishedHeadline(notice.summary)}`,
        text: `${notice.event === 'failed' ? failedBody(notice.run, notice.suppressed) : finishedText(notice.summary, notice.suppressed)}\n`,
      });
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

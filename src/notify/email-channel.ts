import type { Transporter } from 'nodemailer';
import { maskUrl } from '../spec/mask-secrets.js';
import { failedHeadline, failedText, finishedHeadline, finishedText, regressionHeadline, regressionText, testText } from './format.js';
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

function subjectOf(notice: Notice): string {
  if (notice.event === 'test') return testText(notice.experiment);
  if (notice.event === 'failed') return failedHeadline(notice.run);
  return notice.event === 'regressed' ? regressionHeadline(notice.regression) : finishedHeadline(notice.summary);
}

function bodyOf(notice: Notice): string {
  if (notice.event === 'test') return testText(notice.experiment);
  if (notice.event === 'failed') return failedBody(notice.run, notice.suppressed);
  return notice.event === 'regressed' ? regressionText(notice.regression) : finishedText(notice.summary, notice.suppressed);
}

/** Plain-text mail over SMTP (nodemailer); one connection per message, as notices are rare. */
export function emailChannel(target: EmailTarget, timeoutMs: number): Channel {
  // nodemailer loads when the first mail goes out, not with every CLI command.
  let transport: Promise<Transporter> | undefined;
  const open = (): Promise<Transporter> => {
    transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({
        url: target.smtp,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    );
    return transport;
  };
  return {
    label: `email to ${target.to.join(', ')} via ${maskUrl(target.smtp, 'path')}`,
    async deliver(notice: Notice): Promise<void> {
      await (await open()).sendMail({
        from: target.from,
        to: target.to,
        subject: `labbook: ${subjectOf(notice)}`,
        text: `${bodyOf(notice)}\n`,
      });
    },
    async close(): Promise<void> {
      if (transport) (await transport).close();
    },
  };
}

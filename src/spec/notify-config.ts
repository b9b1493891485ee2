import { hostname } from 'node:os';
import { UsageError } from '../errors.js';
import { didYouMean } from '../util/closest-matches.js';
import { ipLiteralOf, isLinkLocalAddress, linkLocalRefusal } from '../util/link-local.js';
import { parseDuration } from './duration.js';
import { envReferenceOf } from './env-reference.js';
import { describeValue, isPlainObject } from './json-value.js';
import type { PathIssue } from './spec-issue.js';
import type { NotifyConfig, NotifyEvent } from './types.js';

/**
 * The `notify:` section of a spec and the `--notify` option: both become NotifyConfig,
 * checked here once so that src/notify trusts them.
 */

/** A `notify:` entry as written: `console`, or a mapping with one channel key. */
export type RawNotifyEntry =
  | 'console'
  | {
      console?: true | null;
      webhook?: string;
      email?: string | string[] | { to: string | string[]; from?: string; smtp?: string };
      on?: NotifyEvent | NotifyEvent[];
      min_interval?: number | string;
      allow_link_local?: boolean;
    };

export const DEFAULT_MIN_INTERVAL_SECONDS = 60;
export const DEFAULT_SMTP_URL = 'smtp://localhost:25';
const EVENTS: readonly NotifyEvent[] = ['finished', 'failed'];
const CHANNELS = ['console', 'webhook', 'email'] as const;
const ENTRY_KEYS = [...CHANNELS, 'on', 'min_interval', 'allow_link_local'];
const EMAIL_KEYS = ['to', 'from', 'smtp'];

type Path = Array<string | number>;
type Target =
  | { channel: 'console' }
  | { channel: 'webhook'; url: string; allowLinkLocal?: boolean }
  | { channel: 'email'; to: string[]; from?: string; smtp?: string };

/** The channels of a spec; an absent `notify:` means the console alone, `notify: []` none. */
export function parseNotify(entries: readonly unknown[] | undefined, issues: PathIssue[]): NotifyConfig[] {
  if (entries === undefined) return [withDefaults({ channel: 'console' })];
  return entries.flatMap((entry, i) => parseEntry(entry, ['notify', i], issues) ?? []);
}

/** A `--notify` value: `console`, `webhook=URL` or `email=ADDR[,ADDR]`. */
export function parseNotifyOption(value: string, env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  const fail = (detail: string): never => {
    throw new UsageError(
      `--notify '${value}': ${detail}; write --notify console, --notify webhook=URL or --notify email=ADDRESS[,ADDRESS]`,
    );
  };
  const [channel = '', ...rest] = value.trim().split('=');
  const target = rest.join('=').trim();
  if (channel === 'console') return target ? fail('console takes no value') : withDefaults({ channel: 'console' });
  if (channel !== 'webhook' && channel !== 'email') return fail(`unknown channel '${channel}'${didYouMean(channel, CHANNELS)}`);
  if (!target) return fail(`${channel} needs ${channel === 'webhook' ? 'a URL after =' : 'an address after ='}`);
  if (channel === 'webhook') {
    const problem = webhookProblem(target, false);
    return problem ? fail(problem) : withDefaults({ channel, url: target });
  }
  const to = target.split(',').map((a) => a.trim());
  const badAddress = to.find((a) => addressProblem(a));
  if (badAddress !== undefined) return fail(addressProblem(badAddress) as string);
  const { smtp, from } = emailDefaults(env);
  const smtpError = smtpProblem(smtp);
  if (smtpError) return fail(`LABBOOK_SMTP_URL: ${smtpError}`);
  const fromError = addressProblem(from);
  if (fromError) return fail(`LABBOOK_MAIL_FROM: ${fromError}`);
  return withDefaults({ channel, to, smtp, from });
}

/** Sender and server of e-mails whose config names none. */
export function emailDefaults(env: NodeJS.ProcessEnv): { smtp: string; from: string } {
  return { smtp: env.LABBOOK_SMTP_URL || DEFAULT_SMTP_URL, from: env.LABBOOK_MAIL_FROM || `labbook@${hostname()}` };
}

function withDefaults(target: Target): NotifyConfig {
  return { ...target, on: [...EVENTS], minInterval: DEFAULT_MIN_INTERVAL_SECONDS };
}

function parseEntry(entry: unknown, path: Path, issues: PathIssue[]): NotifyConfig | undefined {
  if (typeof entry === 'string') {
    if (entry === 'console') return withDefaults({ channel: 'console' });
    if (entry === 'webhook' || entry === 'email') {
      const example = entry === 'webhook' ? 'webhook: https://hooks.slack.com/services/…' : 'email: me@lab.org';
      issues.push({ path, message: `${entry} needs a target; write it as a mapping, e.g. - ${example}` });
    } else {
      issues.push({ path, message: `unknown channel '${entry}'${didYouMean(entry, CHANNELS)} (channels: ${CHANNELS.join(', ')})` });
    }
    return undefined;
  }
  if (!isPlainObject(entry)) {
    issues.push({ path, message: `${describeValue(entry)} is not a channel; write console, webhook: URL or email: ADDRESS` });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.includes(key))
      issues.push({
        path: [...path, key],
        message: `unknown key '${key}'${didYouMean(key, ENTRY_KEYS)} (known keys: ${ENTRY_KEYS.join(', ')})`,
      });
  }
  const channels = CHANNELS.filter((c) => c in entry);
  if (channels.length !== 1) {
    const message =
      channels.length === 0
        ? 'names no channel: give one of console, webhook: URL, email: ADDRESS'
        : `names ${channels.join(' and ')}: give one channel per entry (one list item each)`;
    issues.push({ path, message });
  }
  const on = parseEvents(entry.on, [...path, 'on'], issues);
  const minInterval = parseMinInterval(entry.min_interval, [...path, 'min_interval'], issues);
  const allowLinkLocal = parseAllowLinkLocal(entry.allow_link_local, channels, [...path, 'allow_link_local'], issues);
  const channel = channels[0];
  const target =
    channels.length === 1 && channel ? parseTarget(channel, entry[channel], allowLinkLocal, [...path, channel], issues) : undefined;
  if (issues.length > before || !target) return undefined;
  return { ...target, on, minInterval };
}

function parseTarget(
  channel: (typeof CHANNELS)[number],
  value: unknown,
  allowLinkLocal: boolean,
  path: Path,
  issues: PathIssue[],
): Target | undefined {
  const problem = (message: string): undefined => {
    issues.push({ path, message });
  };
  switch (channel) {
    case 'console':
      if (value === null || value === true) return { channel };
      return problem('console takes no value; write - console, or console: true beside on: or min_interval:');
    case 'webhook': {
      if (typeof value !== 'string') return problem('expected the URL to POST to, e.g. webhook: https://hooks.slack.com/services/…');
      const error = webhookProblem(value, allowLinkLocal);
      return error ? problem(error) : { channel, url: value, ...(allowLinkLocal && { allowLinkLocal }) };
    }
    case 'email':
      return parseEmail(value, path, issues);
  }
}

function parseEmail(value: unknown, path: Path, issues: PathIssue[]): Target | undefined {
  const fields = typeof value === 'string' || Array.isArray(value) ? { to: value } : value;
  if (!isPlainObject(fields)) {
    issues.push({ path, message: 'expected recipients, e.g. email: me@lab.org or email: {to: [me@lab.org], smtp: "smtp://mail.lab.org"}' });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(fields)) {
    if (!EMAIL_KEYS.includes(key))
      issues.push({
        path: [...path, key],
        message: `unknown key '${key}'${didYouMean(key, EMAIL_KEYS)} (known keys: ${EMAIL_KEYS.join(', ')})`,
      });
  }
  const to = typeof fields.to === 'string' ? [fields.to] : fields.to;
  if (!Array.isArray(to) || to.length === 0) {
    issues.push({ path: [...path, 'to'], message: 'expected one or more recipients, e.g. to: [me@lab.org]' });
  } else {
    to.forEach((address, i) => {
      const error = addressProblem(address);
      if (error) issues.push({ path: typeof fields.to === 'string' ? [...path, 'to'] : [...path, 'to', i], message: error });
    });
  }
  if (fields.from !== undefined) {
    const error = addressProblem(fields.from);
    if (error) issues.push({ path: [...path, 'from'], message: error });
  }
  if (fields.smtp !== undefined) {
    const error = typeof fields.smtp === 'string' ? smtpProblem(fields.smtp) : 'expected a URL, e.g. smtp: "smtp://mail.lab.org:587"';
    if (error) issues.push({ path: [...path, 'smtp'], message: error });
  }
  if (issues.length > before) return undefined;
  return {
    channel: 'email',
    to: to as string[],
    ...(fields.from !== undefined && { from: fields.from as string }),
    ...(fields.smtp !== undefined && { smtp: fields.smtp as string }),
  };
}

function parseEvents(value: unknown, path: Path, issues: PathIssue[]): NotifyEvent[] {
  if (value === undefined) return [...EVENTS];
  const events = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(events) || events.length === 0) {
    issues.push({ path, message: 'expected a list of events, e.g. on: [failed] (events: finished, failed)' });
    return [];
  }
  for (const event of events) {
    if (!EVENTS.includes(event as NotifyEvent)) {
      const name = String(event);
      issues.push({ path, message: `unknown event '${name}'${didYouMean(name, EVENTS)} (events: ${EVENTS.join(', ')})` });
    }
  }
  return [...new Set(events as NotifyEvent[])];
}

function parseMinInterval(value: unknown, path: Path, issues: PathIssue[]): number {
  if (value === undefined) return DEFAULT_MIN_INTERVAL_SECONDS;
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    issues.push({ path, message: 'expected a duration ≥ 0 such as 30s, 5m or 1h (0 sends every failure), e.g. min_interval: 5m' });
    return 0;
  }
  return seconds;
}

function parseAllowLinkLocal(value: unknown, channels: readonly string[], path: Path, issues: PathIssue[]): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') issues.push({ path, message: `expected true or false, not ${describeValue(value)}` });
  else if (!channels.includes('webhook')) issues.push({ path, message: 'allow_link_local applies to webhook entries only' });
  return value === true;
}

function webhookProblem(text: string, allowLinkLocal: boolean): string | undefined {
  // A reference is checked when it is read, by the process that sends (notify/notifier.ts).
  if (envReferenceOf(text) !== undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    return `'${text}' is not an http(s) URL; give the full address, e.g. https://hooks.slack.com/services/…`;
  }
  const literal = ipLiteralOf(url.hostname);
  if (!allowLinkLocal && literal !== undefined && isLinkLocalAddress(literal)) return `'${text}': ${linkLocalRefusal(literal)}`;
  return undefined;
}

function smtpProblem(text: string): string | undefined {
  if (envReferenceOf(text) !== undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if ((url?.protocol === 'smtp:' || url?.protocol === 'smtps:') && url.hostname) return undefined;
  return `'${text}' is not an SMTP URL; write smtp://HOST[:PORT] (or smtps:// for TLS, smtp://USER:PASSWORD@HOST:587 with a login)`;
}

function addressProblem(address: unknown): string | undefined {
  if (typeof address === 'string' && /^[^\s@<>,]+@[^\s@<>,]+$/.test(address)) return undefined;
  return `${typeof address === 'string' ? `'${address}'` : describeValue(address)} is not an e-mail address, e.g. me@lab.org`;
}

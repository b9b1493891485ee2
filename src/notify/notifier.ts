import { resolveEnvReference } from '../spec/env-reference.js';
import { emailDefaults } from '../spec/notify-config.js';
import type { NotifyConfig } from '../spec/types.js';
import { consoleChannel } from './console-channel.js';
import { emailChannel } from './email-channel.js';
import type { ResolveHost } from './post-json.js';
import type { Channel, Notice, Notifier, RegressionNotice, RunNotice, RunSummary } from './types.js';
import { webhookChannel } from './webhook-channel.js';

export interface NotifierOptions {
  /** Receives every delivery problem; notifications never fail a sweep. */
  warn: (message: string) => void;
  /** Milliseconds since the epoch; injectable so that rate limiting is testable. */
  now?: () => number;
  /** Where the console channel says its one line per notice (on stderr, after `labbook: `, by default). */
  say?: (line: string) => void;
  /** Source of LABBOOK_SMTP_URL and LABBOOK_MAIL_FROM for e-mail configs that name none. */
  env?: NodeJS.ProcessEnv;
  /** Limit of one delivery in milliseconds: 5 s for webhooks and 15 s for e-mail unless given. */
  timeoutMs?: number;
  /** How webhook host names resolve (DNS by default); injectable so that address checks are testable. */
  resolveHost?: ResolveHost;
}

function sayOnStderr(line: string): void {
  process.stderr.write(`labbook: ${line}\n`);
}

const WEBHOOK_TIMEOUT_MS = 5_000;
const EMAIL_TIMEOUT_MS = 15_000;
/** Slack for a channel that overruns its own timeout, before `finished` stops waiting for it. */
const GRACE_MS = 1_000;
/** Failure notices per channel in flight or waiting; with `finished` after them, at most three deliveries to wait for. */
const MAX_QUEUED = 2;

interface Route {
  config: NotifyConfig;
  channel: Channel;
  timeoutMs: number;
  lastFailureSentAt: number | undefined;
  suppressed: number;
  /** Deliveries in flight or waiting for the one before. */
  queued: number;
  tail: Promise<void>;
}

export function createNotifier(configs: readonly NotifyConfig[], options: NotifierOptions): Notifier {
  const now = options.now ?? Date.now;
  const routes = configs.map((config) => openRoute(config, options));
  const pending = new Set<Promise<void>>();
  let closed = false;
  const warn = (message: string): void => {
    try {
      options.warn(message);
    } catch {
      // A broken warning sink must not break the delivery chain of a channel.
    }
  };

  const failed = (route: Route) => (error: unknown) => warn(`notify: ${route.channel.label} failed: ${messageOf(error)}; continuing`);

  /** Starts one delivery; undefined once done already (the console writes synchronously). */
  const start = (route: Route, notice: Notice): Promise<void> | undefined => {
    try {
      const result = route.channel.deliver(notice);
      return result && withDeadline(result, route.timeoutMs + GRACE_MS).catch(failed(route));
    } catch (error) {
      failed(route)(error);
      return undefined;
    }
  };

  // Deliveries to one channel go one after the other, so that a chat shows them in order.
  const send = (route: Route, notice: Notice): void => {
    const delivery = route.queued === 0 ? start(route, notice) : route.tail.then(() => start(route, notice));
    if (!delivery) return;
    route.queued++;
    const tracked = delivery.finally(() => {
      route.queued--;
      pending.delete(tracked);
    });
    route.tail = tracked;
    pending.add(tracked);
  };
  const settle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  return {
    runFailed(run: RunNotice): void {
      if (closed) return;
      const at = now();
      for (const route of routes) {
        if (!route.config.on.includes('failed')) continue;
        const tooSoon = route.lastFailureSentAt !== undefined && at - route.lastFailureSentAt < route.config.minInterval * 1000;
        // A slow channel gets no backlog: what cannot be sent next is counted like a rate-limited notice.
        if (tooSoon || route.queued >= MAX_QUEUED) {
          route.suppressed++;
          continue;
        }
        route.lastFailureSentAt = at;
        send(route, { event: 'failed', run, suppressed: route.suppressed });
        route.suppressed = 0;
      }
    },
    async finished(summary: RunSummary): Promise<void> {
      if (!closed) {
        for (const route of routes) {
          if (!route.config.on.includes('finished')) continue;
          send(route, { event: 'finished', summary, suppressed: route.suppressed });
          route.suppressed = 0;
        }
      }
      await settle();
    },
    async regressed(regression: RegressionNotice): Promise<void> {
      if (!closed) for (const route of routes) send(route, { event: 'regressed', regression, suppressed: 0 });
      await settle();
    },
    async test(experiment: string): Promise<void> {
      if (!closed) for (const route of routes) send(route, { event: 'test', experiment, suppressed: 0 });
      await settle();
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await settle();
      for (const route of routes)
        await route.channel.close().catch((error: unknown) => warn(`notify: closing ${route.channel.label}: ${messageOf(error)}`));
    },
  };
}

/** A channel whose `${env:NAME}` could not be read: each notice for it becomes a warning that says so. */
function unreadableChannel(label: string, error: Error): Channel {
  return {
    label,
    deliver: () => Promise.reject(error),
    close: async () => {},
  };
}

function openRoute(config: NotifyConfig, options: NotifierOptions): Route {
  const route = (channel: Channel, timeoutMs: number): Route => ({
    config,
    channel,
    timeoutMs,
    lastFailureSentAt: undefined,
    suppressed: 0,
    queued: 0,
    tail: Promise.resolve(),
  });
  switch (config.channel) {
    case 'console':
      return route(consoleChannel(options.say ?? sayOnStderr), options.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
    case 'webhook': {
      const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
      const post = {
        timeoutMs,
        allowLinkLocal: config.allowLinkLocal ?? false,
        ...(options.resolveHost && { resolve: options.resolveHost }),
      };
      try {
        return route(webhookChannel(resolveEnvReference(config.url, options.env ?? process.env), post), timeoutMs);
      } catch (error) {
        return route(unreadableChannel(`webhook ${config.url}`, error as Error), timeoutMs);
      }
    }
    case 'email': {
      const timeoutMs = options.timeoutMs ?? EMAIL_TIMEOUT_MS;
      const defaults = emailDefaults(options.env ?? process.env);
      const smtp = config.smtp ?? defaults.smtp;
      try {
        const target = { to: config.to, from: config.from ?? defaults.from, smtp: resolveEnvReference(smtp, options.env ?? process.env) };
        return route(emailChannel(target, timeoutMs), timeoutMs);
      } catch (error) {
        return route(unreadableChannel(`email to ${config.to.join(', ')} via ${smtp}`, error as Error), timeoutMs);
      }
    }
  }
}

/** Rejects once `ms` have passed, without keeping the process alive for the timer. */
function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

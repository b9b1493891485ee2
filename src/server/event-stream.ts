import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FeedHead } from '../domain/index.js';
import type { FeedPage } from '../engine/run-views.js';
import { BadRequestError } from '../errors.js';

/**
 * Live events over Server-Sent Events: each state change (`run`) and each batch of metric
 * points (`metrics`) as the store's feed lists them. Every event's id is the feed's cursor
 * just after it, `RUNEVENT-METRIC`, so a client that reconnects with `Last-Event-ID` gets
 * exactly what came after the last event it saw: nothing lost, nothing twice.
 */
export interface EventStreamOptions {
  /** Reads the feed after a cursor, or where it ends now (the engine's `getFeed`). */
  feed(after: FeedHead | undefined): Promise<FeedPage>;
  /** How often the feed is read while nothing new came. */
  pollMs: number;
  /** A comment line this often keeps proxies from closing a quiet stream. */
  keepAliveMs: number;
  /** Aborted when the client or the server goes away. */
  signal: AbortSignal;
}

/** `Last-Event-ID` as a cursor; a malformed one is the client's mistake. */
export function parseEventId(text: string | undefined): FeedHead | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(text.trim());
  if (!match)
    throw new BadRequestError(`Last-Event-ID '${text.slice(0, 40)}' is not an id this server sent (RUNEVENT-METRIC, e.g. 12-3400)`);
  return { runEvent: Number(match[1]), metric: Number(match[2]) };
}

export function eventId(cursor: FeedHead): string {
  return `${cursor.runEvent}-${cursor.metric}`;
}

/** Writes events to `response` until the signal aborts; the response's headers are already sent. */
export async function streamEvents(response: ServerResponse, after: FeedHead | undefined, options: EventStreamOptions): Promise<void> {
  const write = async (text: string) => {
    if (!response.write(text)) await new Promise((resolve) => response.once('drain', resolve));
  };
  let cursor = after ?? (await options.feed(undefined)).cursor;
  await write(`retry: 1000\nevent: ready\nid: ${eventId(cursor)}\ndata: ${JSON.stringify({ cursor })}\n\n`);
  let quietSince = Date.now();
  while (!options.signal.aborted) {
    const page = await options.feed(cursor);
    for (const event of page.runEvents) {
      await write(`event: run\nid: ${eventId({ runEvent: event.id, metric: cursor.metric })}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    cursor = page.cursor;
    if (page.metrics.length > 0) await write(`event: metrics\nid: ${eventId(cursor)}\ndata: ${JSON.stringify(page.metrics)}\n\n`);
    if (page.runEvents.length > 0 || page.metrics.length > 0) {
      quietSince = Date.now();
      continue; // more may be waiting: read on before sleeping
    }
    if (Date.now() - quietSince >= options.keepAliveMs) {
      await write(': keep-alive\n\n');
      quietSince = Date.now();
    }
    await delay(options.pollMs, undefined, { signal: options.signal }).catch(() => {});
  }
}

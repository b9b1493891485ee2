import type pg from 'pg';
import type { PgDatabase } from './pg-database.js';
import { RUNS_CHANNEL } from './sql/events.js';

const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 5_000;

/**
 * Listens, on a connection of its own, for the notification every change that makes runs
 * PENDING sends at commit (RUNS_CHANNEL), and calls `onPending`: an idle worker claims at once
 * instead of at its next poll. A lost connection (a server restart) is made again with
 * back-off, and `onPending` is called once it is back, for what was sent meanwhile. Workers
 * keep polling as well: a missed wake-up costs a poll interval, never a run.
 */
export async function watchPendingRuns(db: PgDatabase, onPending: () => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (retryMs: number): Promise<void> => {
    try {
      const next = await db.connectAlone();
      next.on('notification', () => onPending());
      next.on('error', () => reconnect(next, FIRST_RETRY_MS));
      next.on('end', () => reconnect(next, FIRST_RETRY_MS));
      await next.query(`LISTEN ${RUNS_CHANNEL}`);
      if (closed) await next.end();
      else client = next;
    } catch {
      if (!closed) retry = setTimeout(() => void connect(Math.min(retryMs * 2, LONGEST_RETRY_MS)), retryMs).unref();
      return;
    }
    onPending();
  };
  const reconnect = (lost: pg.Client, retryMs: number) => {
    if (closed || client !== lost) return;
    client = undefined;
    lost.removeAllListeners('end');
    void lost.end().catch(() => {});
    retry = setTimeout(() => void connect(retryMs), retryMs).unref();
  };
  await connect(FIRST_RETRY_MS);
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

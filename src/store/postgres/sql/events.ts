import type { RunState } from '../../../domain/index.js';
import type { PgSession } from '../pg-database.js';

/** One audit-trail row to append (inside the transaction of its change). */
export interface NewEvent {
  runId: number;
  from: RunState | null;
  to: RunState;
  attempt: number;
  workerId: string | null;
  reason: string;
}

/** Appends audit-trail rows in one statement, in the order given. */
export async function insertEvents(tx: PgSession, at: number, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.run(
    `INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason)
     SELECT u.run_id, ?, u.from_state, u.to_state, u.attempt, u.worker_id, u.reason
     FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[]) WITH ORDINALITY
       AS u(run_id, from_state, to_state, attempt, worker_id, reason, n)
     ORDER BY u.n`,
    [
      at,
      events.map((e) => e.runId),
      events.map((e) => e.from),
      events.map((e) => e.to),
      events.map((e) => e.attempt),
      events.map((e) => e.workerId),
      events.map((e) => e.reason),
    ],
  );
}

/** The channel idle workers LISTEN on: a run became PENDING (added, requeued, reset, given back). */
export const RUNS_CHANNEL = 'labbook_runs';

/** Tells listeners, at commit, that runs are waiting. */
export async function notifyPending(tx: PgSession): Promise<void> {
  await tx.run(`SELECT pg_notify('${RUNS_CHANNEL}', '')`);
}

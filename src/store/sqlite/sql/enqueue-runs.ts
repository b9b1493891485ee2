import type { EnqueueCounts, EnqueueOptions, NewRun, RunState } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { INSERT_EVENT } from './run-row.js';

/**
 * Runs added per IMMEDIATE transaction. A long add holds the write lock a second or two at a
 * time, so workers claim and finish runs meanwhile.
 */
const RUNS_PER_TRANSACTION = 200_000;

/**
 * Adds the runs an experiment does not have yet, batch by batch, in IMMEDIATE transactions
 * of many batches. Existing runs (same experiment and hash) are left alone, except those in
 * `requeueStates`, which go back to PENDING with a fresh retry budget. COMPLETED runs are
 * the cache.
 */
export function enqueueRuns(
  db: SqliteConnection,
  sql: StatementCache,
  experimentId: number,
  batches: Iterable<readonly NewRun[]>,
  options: EnqueueOptions,
): EnqueueCounts {
  const insert = sql.get(
    `INSERT INTO runs (experiment_id, hash, params, retries, priority, created_at, queued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, hash) DO NOTHING`,
  );
  const event = sql.get(INSERT_EVENT);
  // One set-based insert writes the creation events of all new runs (ids above the old max).
  const maxId = sql.get('SELECT coalesce(max(id), 0) AS id FROM runs');
  const creationEvents = sql.get(
    `INSERT INTO run_events (run_id, at, from_state, to_state, attempt, reason)
     SELECT id, ?, NULL, 'PENDING', 0, 'enqueued' FROM runs WHERE id > ? AND experiment_id = ?`,
  );
  const existing = sql.get('SELECT id, state, attempt FROM runs WHERE experiment_id = ? AND hash = ?');
  const requeue = sql.get(
    `UPDATE runs SET state = 'PENDING', failures = 0, losses = 0, retries = ?, queued_at = ?, lease_owner = NULL,
       lease_expires_at = NULL, started_at = NULL, finished_at = NULL, exit_code = NULL, failure_reason = NULL,
       error = NULL, result = NULL
     WHERE id = ?`,
  );
  const requeueStates = new Set<RunState>(options.requeueStates ?? []);
  const priority = options.priority ?? 0;
  const { now } = options;
  const counts: EnqueueCounts = { planned: 0, added: 0, requeued: 0, unchanged: {} };
  const enqueueRun = (run: NewRun): void => {
    const info = insert.run(experimentId, run.hash, run.paramsJson, options.retries, priority, now, now);
    if (info.changes === 1) {
      counts.added++;
      return;
    }
    const row = existing.get(experimentId, run.hash) as { id: number; state: RunState; attempt: number };
    if (requeueStates.has(row.state)) {
      requeue.run(options.retries, now, row.id);
      event.run(row.id, now, row.state, 'PENDING', row.attempt, null, 'requeued');
      counts.requeued++;
    } else {
      counts.unchanged[row.state] = (counts.unchanged[row.state] ?? 0) + 1;
    }
  };
  const iterator = batches[Symbol.iterator]();
  let done = false;
  while (!done) {
    db.transaction(() => {
      const firstNew = (maxId.get() as { id: number }).id;
      for (let planned = 0; planned < RUNS_PER_TRANSACTION; ) {
        const next = iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        for (const run of next.value) enqueueRun(run);
        planned += next.value.length;
        counts.planned += next.value.length;
      }
      creationEvents.run(now, firstNew, experimentId);
    }, 'immediate');
  }
  return counts;
}

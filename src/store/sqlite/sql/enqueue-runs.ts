import { batchPlanner, type ExistingRun, emptyCounts, REQUEUE_RUN } from '../../rows/enqueue-plan.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { EnqueueCounts, EnqueueOptions, NewRun } from '../../types.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/**
 * Runs added per IMMEDIATE transaction. A long add holds the write lock about a second at a
 * time, so workers claim and finish runs meanwhile; each transaction writes the hash keys of
 * its new runs sorted, and the more it writes, the fewer times each page of run_hashes is
 * written (a million-run add: 5.6 s in transactions of 200,000, 5.2 s in one).
 */
const RUNS_PER_TRANSACTION = 200_000;

/** New runs per INSERT statement: one call into SQLite per hundred runs instead of per run. */
const ROWS_PER_INSERT = 100;

/**
 * Adds planned runs, batch by batch, as batchPlanner plans them.
 *
 * A planner never plans a run twice, so the runs of earlier batches of the same add need no
 * keys before their transaction ends: each transaction writes the keys of its new runs at
 * the end, sorted, with their creation events.
 */
export function enqueueRuns(
  db: SqliteConnection,
  sql: StatementCache,
  experimentId: number,
  batches: Iterable<readonly NewRun[]>,
  options: EnqueueOptions,
): EnqueueCounts {
  const specVersion =
    options.specVersion ??
    (sql.get('SELECT coalesce(max(version), 0) AS v FROM spec_versions WHERE experiment_id = ?').get(experimentId) as { v: number }).v;
  const { now } = options;
  const priority = options.priority ?? 0;
  const statements = prepare(sql);
  const counts = emptyCounts();
  const plan = batchPlanner(specVersion, options, counts);

  // Whether the experiment has no runs but those this add made: then a planned run has none
  // to look up (a fresh grid is added without a look-up per run, 2 s of a million-run add).
  let alone = false;
  let lastId: number | undefined;
  const existingOf = (batch: readonly NewRun[]): ExistingRun[] => {
    if (alone) return [];
    return statements.existing.all(experimentId, JSON.stringify(batch.map((run) => run.hash))) as ExistingRun[];
  };

  const enqueueBatch = (batch: readonly NewRun[]): void => {
    const { fresh, requeue, move } = plan(batch, existingOf(batch));
    for (const run of requeue) {
      statements.requeue.run(options.retries, now, specVersion, run.id);
      statements.event.run(run.id, now, run.state, 'PENDING', run.attempt, null, 'requeued');
    }
    for (const run of move) {
      statements.move.run(specVersion, run.id);
      statements.event.run(run.id, now, 'PENDING', 'PENDING', run.attempt, null, `moved to spec version ${specVersion}`);
    }
    const shared = [experimentId, specVersion, options.retries, priority, now];
    for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
      const rows = fresh.slice(i, i + ROWS_PER_INSERT);
      if (rows.length === ROWS_PER_INSERT) statements.insertMany.run(...shared, ...rows.flatMap((run) => [run.hash, run.paramsJson]));
      else for (const run of rows) statements.insertOne.run(...shared, run.hash, run.paramsJson);
    }
  };

  const iterator = batches[Symbol.iterator]();
  let done = false;
  while (!done) {
    db.transaction(() => {
      const before = (statements.maxId.get() as { id: number }).id;
      if (lastId === undefined) alone = statements.anyRunOf.get(experimentId) === undefined;
      // Runs another process added since our last transaction may be of this experiment.
      else if (before !== lastId) alone = false;
      for (let planned = 0; planned < RUNS_PER_TRANSACTION; ) {
        const next = iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        enqueueBatch(next.value);
        planned += next.value.length;
      }
      // New runs have the ids above the old maximum: their keys and creation events, set-based.
      statements.hashKeys.run(before);
      statements.creationEvents.run(now, before);
      lastId = (statements.maxId.get() as { id: number }).id;
    }, 'immediate');
  }
  return counts;
}

function prepare(sql: StatementCache) {
  // The shared values are ?1 to ?5; each row adds its hash and parameters.
  const rowsOf = (count: number) =>
    Array.from({ length: count }, (_, i) => `(?1, ?2, ?${6 + 2 * i}, ?${7 + 2 * i}, ?3, ?4, ?5, ?5)`).join(', ');
  const insert = (count: number) =>
    sql.get(
      `INSERT INTO runs (experiment_id, spec_version, hash, params, retries, priority, created_at, queued_at) VALUES ${rowsOf(count)}`,
    );
  return {
    insertOne: insert(1),
    insertMany: insert(ROWS_PER_INSERT),
    maxId: sql.get('SELECT coalesce(max(id), 0) AS id FROM runs'),
    anyRunOf: sql.get('SELECT 1 FROM runs WHERE experiment_id = ? LIMIT 1'),
    existing: sql.get(
      `SELECT r.id, r.hash, r.state, r.attempt, r.spec_version
       FROM json_each(?2) j
       JOIN run_hashes k ON k.hash_prefix = substr(j.value, 1, 16) AND k.experiment_id = ?1
       JOIN runs r ON r.id = k.run_id AND r.hash = j.value
       ORDER BY r.id`,
    ),
    requeue: sql.get(REQUEUE_RUN),
    move: sql.get(`UPDATE runs SET spec_version = ? WHERE id = ?`),
    event: sql.get(INSERT_EVENT),
    hashKeys: sql.get(
      'INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) SELECT substr(hash, 1, 16), experiment_id, id FROM runs WHERE id > ? ORDER BY 1',
    ),
    creationEvents: sql.get(
      `INSERT INTO run_events (run_id, at, from_state, to_state, attempt, reason) SELECT id, ?, NULL, 'PENDING', 0, 'enqueued' FROM runs WHERE id > ?`,
    ),
  };
}

import { type BatchPlan, batchPlanner, type ExistingRun, emptyCounts, REQUEUE_RUN } from '../../rows/enqueue-plan.js';
import type { EnqueueCounts, EnqueueOptions, NewRun } from '../../types.js';
import type { PgDatabase, PgSession } from '../pg-database.js';
import { insertEvents, notifyPending } from './events.js';

/** Runs planned per transaction: a long add commits as it goes, and workers claim meanwhile. */
const RUNS_PER_TRANSACTION = 20_000;

/**
 * Adds planned runs, batch by batch, as batchPlanner plans them. Each transaction locks the
 * experiment's row first, so two adds of one experiment (or an add and a run by hand)
 * never add the same run twice; the added runs' ids follow their grid order.
 */
export async function enqueueRuns(
  db: PgDatabase,
  experimentId: number,
  batches: Iterable<readonly NewRun[]>,
  options: EnqueueOptions,
): Promise<EnqueueCounts> {
  const specVersion =
    options.specVersion ??
    ((await db.get<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM spec_versions WHERE experiment_id = ?', [experimentId]))
      ?.v as number);
  const counts = emptyCounts();
  const plan = batchPlanner(specVersion, options, counts);
  const iterator = batches[Symbol.iterator]();
  let pending = iterator.next();
  // How many runs of the experiment this add has made: when it has no others, a planned run has
  // none to look up (a planner never plans a run twice).
  let ownRuns = 0;
  let alone = true;
  while (!pending.done) {
    await db.transaction(
      async (tx) => {
        await tx.run('SELECT id FROM experiments WHERE id = ? FOR UPDATE', [experimentId]);
        const had = (await tx.get<{ n: number }>('SELECT count(*) AS n FROM runs WHERE experiment_id = ?', [experimentId]))?.n ?? 0;
        alone &&= had === ownRuns;
        let added = 0;
        let queued = 0;
        for (let planned = 0; planned < RUNS_PER_TRANSACTION && !pending.done; pending = iterator.next()) {
          const batch = pending.value;
          const batchPlan = plan(batch, alone ? [] : await existingRuns(tx, experimentId, batch));
          await applyPlan(tx, experimentId, specVersion, options, batchPlan);
          added += batchPlan.fresh.length;
          queued += batchPlan.fresh.length + batchPlan.requeue.length + batchPlan.move.length;
          planned += batch.length;
        }
        if (queued > 0) await notifyPending(tx);
        ownRuns += added;
      },
      { once: true },
    );
  }
  return counts;
}

function existingRuns(tx: PgSession, experimentId: number, batch: readonly NewRun[]): Promise<ExistingRun[]> {
  return tx.all<ExistingRun>(
    'SELECT id, hash, state, attempt, spec_version FROM runs WHERE experiment_id = ? AND hash = ANY(?::text[]) ORDER BY id',
    [experimentId, batch.map((run) => run.hash)],
  );
}

async function applyPlan(
  tx: PgSession,
  experimentId: number,
  specVersion: number,
  options: EnqueueOptions,
  { fresh, requeue, move }: BatchPlan,
): Promise<void> {
  const { now } = options;
  for (const run of requeue) await tx.run(REQUEUE_RUN, [options.retries, now, specVersion, run.id]);
  if (move.length) await tx.run('UPDATE runs SET spec_version = ? WHERE id = ANY(?::bigint[])', [specVersion, move.map((r) => r.id)]);
  await insertEvents(tx, now, [
    ...requeue.map((run) => ({
      runId: run.id,
      from: run.state,
      to: 'PENDING' as const,
      attempt: run.attempt,
      workerId: null,
      reason: 'requeued',
    })),
    ...move.map((run) => ({
      runId: run.id,
      from: 'PENDING' as const,
      to: 'PENDING' as const,
      attempt: run.attempt,
      workerId: null,
      reason: `moved to spec version ${specVersion}`,
    })),
  ]);
  if (fresh.length === 0) return;
  await tx.run(
    `WITH added AS (
       INSERT INTO runs (experiment_id, spec_version, hash, params, retries, priority, created_at, queued_at)
       SELECT ?, ?, u.hash, u.params, ?, ?, ?, ? FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(hash, params, n) ORDER BY u.n
       RETURNING id)
     INSERT INTO run_events (run_id, at, from_state, to_state, attempt, reason) SELECT id, ?, NULL, 'PENDING', 0, 'enqueued' FROM added ORDER BY id`,
    [
      experimentId,
      specVersion,
      options.retries,
      options.priority ?? 0,
      now,
      now,
      fresh.map((run) => run.hash),
      fresh.map((run) => run.paramsJson),
      now,
    ],
  );
}

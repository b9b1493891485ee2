import type { RunState } from '../../domain/index.js';
import type { EnqueueCounts, EnqueueOptions, NewRun } from '../types.js';

/** A run of the experiment with the hash of a planned one. */
export interface ExistingRun {
  id: number;
  hash: string;
  state: RunState;
  attempt: number;
  spec_version: number | null;
}

/** What an enqueue does to the existing runs of one batch, and the runs it adds. */
export interface BatchPlan {
  fresh: NewRun[];
  requeue: ExistingRun[];
  move: ExistingRun[];
}

type Decision = { kind: 'add'; replanned: boolean } | { kind: 'requeue' | 'move' | 'unchanged'; run: ExistingRun };

/**
 * Plans batches of runs against the runs the experiment has. The runs with a planned run's
 * parameters are its own when their version has the same settings and command (the
 * equivalent versions): its own run is requeued (state in `requeueStates`), moved to the
 * planned version (PENDING, `movePending`) or left alone (a COMPLETED one is the cache).
 * Runs of other settings or another command are not the plan's and stay as they are, but
 * for a PENDING one moved when asked and a FAILED or CANCELLED one requeued when asked,
 * as the planned version; else the run is added beside them. Counts go into `counts`.
 */
export function batchPlanner(specVersion: number, options: EnqueueOptions, counts: EnqueueCounts) {
  const equivalent = new Set(options.equivalentVersions ?? [specVersion]);
  const requeueStates = new Set<RunState>(options.requeueStates ?? []);

  const decide = (runs: ExistingRun[]): Decision => {
    const own = runs.find((run) => run.spec_version !== null && equivalent.has(run.spec_version));
    if (own) {
      if (requeueStates.has(own.state)) return { kind: 'requeue', run: own };
      if (own.state === 'PENDING' && own.spec_version !== specVersion && options.movePending) return { kind: 'move', run: own };
      return { kind: 'unchanged', run: own };
    }
    const pending = options.movePending ? runs.find((run) => run.state === 'PENDING') : undefined;
    if (pending) return { kind: 'move', run: pending };
    // A failed run has no result to keep: retried, it is a run of the planned version.
    const failed = runs.findLast((run) => (run.state === 'FAILED' || run.state === 'CANCELLED') && requeueStates.has(run.state));
    if (failed) return { kind: 'requeue', run: failed };
    return { kind: 'add', replanned: true };
  };

  /** The plan of one batch, given the existing runs of its hashes (in id order). */
  return (batch: readonly NewRun[], existing: readonly ExistingRun[]): BatchPlan => {
    const byHash = groupByHash(existing);
    const plan: BatchPlan = { fresh: [], requeue: [], move: [] };
    for (const run of batch) {
      const runs = byHash.get(run.hash);
      const decision: Decision = runs ? decide(runs) : { kind: 'add', replanned: false };
      if (decision.kind === 'add') {
        plan.fresh.push(run);
        if (decision.replanned) counts.replanned++;
      } else if (decision.kind === 'requeue') {
        plan.requeue.push(decision.run);
        counts.requeued++;
      } else if (decision.kind === 'move') {
        plan.move.push(decision.run);
        counts.moved++;
      } else {
        counts.unchanged[decision.run.state] = (counts.unchanged[decision.run.state] ?? 0) + 1;
      }
    }
    counts.added += plan.fresh.length;
    counts.planned += batch.length;
    return plan;
  };
}

export const emptyCounts = (): EnqueueCounts => ({ planned: 0, added: 0, replanned: 0, requeued: 0, moved: 0, unchanged: {} });

/** Requeues a run as the planned version (its parameters: retries, now, spec version, id). */
export const REQUEUE_RUN = `UPDATE runs SET state = 'PENDING', failures = 0, losses = 0, retries = ?, queued_at = ?, spec_version = ?,
  lease_owner = NULL, lease_expires_at = NULL, started_at = NULL, finished_at = NULL, exit_code = NULL, failure_reason = NULL,
  error = NULL, result = NULL
  WHERE id = ?`;

function groupByHash(runs: readonly ExistingRun[]): Map<string, ExistingRun[]> {
  const byHash = new Map<string, ExistingRun[]>();
  for (const run of runs) {
    const group = byHash.get(run.hash);
    if (group) group.push(run);
    else byHash.set(run.hash, [run]);
  }
  return byHash;
}

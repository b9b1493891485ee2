import type { CodeSnapshotRecord, RunRecord } from '../../../domain/index.js';
import type { PgDatabase, PgSession } from '../pg-database.js';
import { insertEvents } from './events.js';
import { getRun } from './reads.js';

/** Code snapshots and reruns (migration 0007), on PostgreSQL. */

export async function recordCodeSnapshot(db: PgSession, snapshot: CodeSnapshotRecord): Promise<void> {
  await db.run(
    'INSERT INTO code_snapshots (tree, git_commit, diff, repository, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tree) DO NOTHING',
    [snapshot.tree, snapshot.commit, snapshot.diff, snapshot.repository, snapshot.createdAt],
  );
}

export async function getCodeSnapshot(db: PgSession, tree: string): Promise<CodeSnapshotRecord | undefined> {
  const row = await db.get<{ tree: string; git_commit: string; diff: string | null; repository: string; created_at: number }>(
    'SELECT * FROM code_snapshots WHERE tree = ?',
    [tree],
  );
  return row && { tree: row.tree, commit: row.git_commit, diff: row.diff, repository: row.repository, createdAt: row.created_at };
}

/** The rerun and its creation event, in one transaction; the experiment's row is locked so the next priority is its own. */
export function addRerun(db: PgDatabase, runId: number, now: number): Promise<RunRecord | undefined> {
  return db.transaction(async (tx) => {
    await tx.run('SELECT e.id FROM experiments e JOIN runs r ON r.experiment_id = e.id WHERE r.id = ? FOR UPDATE OF e', [runId]);
    const added = await tx.get<{ id: number }>(
      `INSERT INTO runs (experiment_id, spec_version, hash, params, retries, priority, created_at, queued_at, rerun_of)
       SELECT r.experiment_id, r.spec_version, r.hash, r.params, r.retries,
         (SELECT coalesce(max(o.priority), 0) + 1 FROM runs o WHERE o.experiment_id = r.experiment_id), ?, ?, r.id
       FROM runs r WHERE r.id = ?
       RETURNING id`,
      [now, now, runId],
    );
    if (!added) return undefined;
    await insertEvents(tx, now, [
      { runId: added.id, from: null, to: 'PENDING', attempt: 0, workerId: null, reason: `rerun of run ${runId}` },
    ]);
    return getRun(tx, added.id);
  });
}

export async function rerunOf(db: PgSession, runId: number): Promise<number | undefined> {
  return (await db.get<{ rerun_of: number | null }>('SELECT rerun_of FROM runs WHERE id = ?', [runId]))?.rerun_of ?? undefined;
}

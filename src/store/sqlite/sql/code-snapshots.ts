import type { CodeSnapshotRecord, RunRecord } from '../../../domain/index.js';
import { INSERT_EVENT } from '../../rows/run-row.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';
import { getRun } from './read-runs.js';

export function recordCodeSnapshot(sql: StatementCache, snapshot: CodeSnapshotRecord): void {
  sql
    .get(
      `INSERT INTO code_snapshots (tree, git_commit, diff, repository, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tree) DO NOTHING`,
    )
    .run(snapshot.tree, snapshot.commit, snapshot.diff, snapshot.repository, snapshot.createdAt);
}

interface CodeSnapshotRow {
  tree: string;
  git_commit: string;
  diff: string | null;
  repository: string;
  created_at: number;
}

export function getCodeSnapshot(sql: StatementCache, tree: string): CodeSnapshotRecord | undefined {
  const row = sql.get('SELECT * FROM code_snapshots WHERE tree = ?').get(tree) as CodeSnapshotRow | undefined;
  return row && { tree: row.tree, commit: row.git_commit, diff: row.diff, repository: row.repository, createdAt: row.created_at };
}

/** The rerun, its hash key and its creation event, in one transaction. */
export function addRerun(db: SqliteConnection, sql: StatementCache, runId: number, now: number): RunRecord | undefined {
  return db.transaction(() => {
    const added = sql
      .get(
        `INSERT INTO runs (experiment_id, spec_version, hash, params, retries, priority, created_at, queued_at, rerun_of)
         SELECT r.experiment_id, r.spec_version, r.hash, r.params, r.retries,
           (SELECT coalesce(max(o.priority), 0) + 1 FROM runs o WHERE o.experiment_id = r.experiment_id), ?, ?, r.id
         FROM runs r WHERE r.id = ?
         RETURNING id`,
      )
      .get(now, now, runId) as { id: number } | undefined;
    if (!added) return undefined;
    // A run of a spec version gets its hash key from its writer; one without, from migration 0004's trigger.
    sql
      .get(
        `INSERT INTO run_hashes (hash_prefix, experiment_id, run_id)
         SELECT substr(hash, 1, 16), experiment_id, id FROM runs WHERE id = ? AND spec_version IS NOT NULL`,
      )
      .run(added.id);
    sql.get(INSERT_EVENT).run(added.id, now, null, 'PENDING', 0, null, `rerun of run ${runId}`);
    return getRun(sql, added.id);
  }, 'immediate');
}

export function rerunOf(sql: StatementCache, runId: number): number | undefined {
  const row = sql.get('SELECT rerun_of FROM runs WHERE id = ?').get(runId) as { rerun_of: number | null } | undefined;
  return row?.rerun_of ?? undefined;
}

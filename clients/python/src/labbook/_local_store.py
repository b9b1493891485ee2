"""Direct writes into a local SQLite store, for scripts run by hand (no worker).

The schema belongs to the TypeScript migrations (src/store/sqlite/migrations); these
statements mirror src/store/sqlite/sql/*.ts: the run is held under a lease like a worker
holds it, every change is one IMMEDIATE transaction with its run_events row, and the outcome
is fenced by the lease.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._canonical import canonical_json, run_hash
from ._errors import LabbookError
from ._store_location import DB_FILE

__all__ = ["LocalStore", "MIN_SCHEMA"]

# Schema 4 finds a run by its hash through run_hashes (runs of other spec versions may share it).
MIN_SCHEMA = 4

_EVENT = "INSERT INTO run_events (run_id, at, from_state, to_state, attempt, worker_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?)"

_UPSERT_SUMMARY = """INSERT INTO metric_summaries (run_id, key, attempt, first, last, min, max, count, last_step, updated_at)
  VALUES (:run_id, :key, :attempt, :first, :last, :min, :max, :count, :last_step, :now)
  ON CONFLICT (run_id, key) DO UPDATE SET
    first = CASE WHEN excluded.attempt > attempt THEN excluded.first ELSE first END,
    min = CASE WHEN excluded.attempt > attempt OR min IS NULL THEN excluded.min
               WHEN excluded.min IS NULL THEN min ELSE min(min, excluded.min) END,
    max = CASE WHEN excluded.attempt > attempt OR max IS NULL THEN excluded.max
               WHEN excluded.max IS NULL THEN max ELSE max(max, excluded.max) END,
    count = CASE WHEN excluded.attempt > attempt THEN excluded.count ELSE count + excluded.count END,
    last = excluded.last, last_step = excluded.last_step, attempt = excluded.attempt, updated_at = excluded.updated_at
  WHERE excluded.attempt >= attempt"""

_FENCE = "WHERE id = ? AND state = 'RUNNING' AND lease_owner = ? AND attempt = ?"


class LocalStore:
    """One connection to ``<store_dir>/labbook.db``."""

    def __init__(self, store_dir: Path) -> None:
        self.store_dir = store_dir
        self.db = sqlite3.connect(str(store_dir / DB_FILE), timeout=30.0, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA foreign_keys = ON")
        version = self.db.execute("SELECT coalesce(max(version), 0) FROM labbook_migrations").fetchone()[0]
        if version < MIN_SCHEMA:
            self.db.close()
            raise LabbookError(
                f"the store at {store_dir} has schema {version}; run any labbook command (labbook status) to upgrade it",
                "LB_STORE_SCHEMA_OLDER",
            )

    def close(self) -> None:
        self.db.close()

    def start_run(self, experiment: str, params: Dict[str, Any], owner: str, now: int, lease_ms: int) -> Tuple[int, int]:
        """Creates (or takes over) the run of `params` in `experiment`, RUNNING under a lease
        held by `owner`; returns (run id, attempt)."""
        with self._immediate():
            self.db.execute(
                "INSERT INTO experiments (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (experiment, json.dumps(_manual_spec(experiment, params)), now, now),
            )
            (experiment_id,) = self.db.execute("SELECT id FROM experiments WHERE name = ?", (experiment,)).fetchone()
            digest = run_hash(params)
            row = self.db.execute(
                """SELECT r.id, r.state, r.attempt, r.lease_owner, r.lease_expires_at
                   FROM run_hashes k JOIN runs r ON r.id = k.run_id
                   WHERE k.hash_prefix = substr(?1, 1, 16) AND k.experiment_id = ?2 AND r.hash = ?1
                   ORDER BY r.id DESC LIMIT 1""",
                (digest, experiment_id),
            ).fetchone()
            if row is None:
                cursor = self.db.execute(
                    "INSERT INTO runs (experiment_id, hash, params, created_at, queued_at) VALUES (?, ?, ?, ?, ?)",
                    (experiment_id, digest, canonical_json(params), now, now),
                )
                run_id, state, attempt = cursor.lastrowid, None, 0
            else:
                run_id, state, attempt, holder, expires = row
                if state == "RUNNING" and expires is not None and expires >= now:
                    raise LabbookError(f"run {run_id} of {experiment} is running under {holder}; wait for it or cancel it", "LB_RUN_BUSY")
            attempt += 1
            self.db.execute(
                """UPDATE runs SET state = 'RUNNING', attempt = ?, lease_owner = ?, lease_expires_at = ?, worker_id = ?,
                     started_at = ?, finished_at = NULL, exit_code = NULL, failure_reason = NULL, error = NULL, result = NULL
                   WHERE id = ?""",
                (attempt, owner, now + lease_ms, owner, now, run_id),
            )
            self.db.execute(_EVENT, (run_id, now, state, "RUNNING", attempt, owner, "run by hand"))
        return run_id, attempt

    def renew_lease(self, run_id: int, owner: str, expires_at: int) -> bool:
        """Extends the lease; False when the run was cancelled, reset or reaped meanwhile."""
        with self._immediate():
            cursor = self.db.execute(
                "UPDATE runs SET lease_expires_at = ? WHERE id = ? AND state = 'RUNNING' AND lease_owner = ?",
                (expires_at, run_id, owner),
            )
        return cursor.rowcount == 1

    def append_metrics(self, run_id: int, attempt: int, points: Sequence[Sequence[Any]]) -> None:
        """Points are [key, step, value, time_ms]; appended and folded into the summaries in
        one transaction."""
        if not points:
            return
        summaries: Dict[str, Dict[str, Any]] = {}
        for key, step, value, at in points:
            summary = summaries.get(key)
            if summary is None:
                summary = summaries[key] = {
                    "run_id": run_id, "key": key, "attempt": attempt, "first": value, "last": None,
                    "min": None, "max": None, "count": 0, "last_step": None, "now": at,
                }  # fmt: skip
            summary.update(last=value, last_step=step, now=at, count=summary["count"] + 1)
            if value is not None:
                summary["min"] = value if summary["min"] is None else min(summary["min"], value)
                summary["max"] = value if summary["max"] is None else max(summary["max"], value)
        with self._immediate():
            self.db.executemany(
                "INSERT INTO metrics (run_id, attempt, key, step, at, value) VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, attempt, key, step, at, value) for key, step, value, at in points],
            )
            self.db.executemany(_UPSERT_SUMMARY, list(summaries.values()))

    def save_checkpoint(self, run_id: int, attempt: int, sha256: str, size: int, now: int) -> None:
        with self._immediate():
            self._record_object(sha256, size, now)
            self.db.execute(
                """INSERT INTO checkpoints (run_id, attempt, sha256, size, created_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (run_id) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256,
                     size = excluded.size, created_at = excluded.created_at""",
                (run_id, attempt, sha256, size, now),
            )

    def checkpoint_of(self, run_id: int) -> Optional[Tuple[str, int]]:
        row = self.db.execute("SELECT sha256, size FROM checkpoints WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    def add_artifact(self, run_id: int, attempt: int, name: str, sha256: str, size: int, media_type: str, now: int) -> None:
        with self._immediate():
            self._record_object(sha256, size, now)
            self.db.execute(
                """INSERT INTO artifacts (run_id, name, attempt, sha256, size, media_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (run_id, name) DO UPDATE SET attempt = excluded.attempt, sha256 = excluded.sha256,
                     size = excluded.size, media_type = excluded.media_type, created_at = excluded.created_at""",
                (run_id, name, attempt, sha256, size, media_type, now),
            )

    def finish_run(self, run_id: int, owner: str, attempt: int, now: int, result: Any = None, error: Optional[str] = None) -> Optional[str]:
        """COMPLETED with `result`, or FAILED with `error` (a run by hand is not retried);
        None when the lease no longer holds (nothing written)."""
        fence = (run_id, owner, attempt)
        with self._immediate():
            if error is None:
                cursor = self.db.execute(
                    f"""UPDATE runs SET state = 'COMPLETED', result = ?, exit_code = 0, finished_at = ?, failure_reason = NULL,
                          error = NULL, lease_owner = NULL, lease_expires_at = NULL {_FENCE}""",
                    (None if result is None else json.dumps(result, allow_nan=False), now, *fence),
                )
                state, reason = "COMPLETED", "completed"
            else:
                cursor = self.db.execute(
                    f"""UPDATE runs SET state = 'FAILED', failures = failures + 1, failure_reason = 'error', error = ?,
                          exit_code = 1, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL {_FENCE}""",
                    (error, now, *fence),
                )
                state, reason = "FAILED", "error: " + (error.strip().splitlines() or [""])[-1][:200]
            if cursor.rowcount != 1:
                return None
            self.db.execute(_EVENT, (run_id, now, "RUNNING", state, attempt, owner, reason))
        return state

    def _record_object(self, sha256: str, size: int, now: int) -> None:
        self.db.execute("INSERT INTO objects (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING", (sha256, size, now))

    def _immediate(self) -> "_Transaction":
        return _Transaction(self.db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error): the write lock is taken up front, so a
    busy store makes the statement wait (busy timeout) instead of failing mid-transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _manual_spec(experiment: str, params: Dict[str, Any]) -> Dict[str, Any]:
    """The spec recorded for an experiment first seen in a run by hand: its parameters as
    written, one value each, and no command (workers have nothing to execute)."""
    parameters: Dict[str, List[Any]] = {key: [value] for key, value in params.items()}
    return {"name": experiment, "description": "runs recorded by scripts run by hand", "parameters": parameters}

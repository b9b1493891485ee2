-- labbook store, schema 4: spec versions. Adding a changed spec makes a new version of its
-- experiment; each run points at the version it was planned with and executes that one.
-- A COMPLETED run is the cache only for runs of the same settings and command, so one
-- experiment may hold several runs of the same parameters: (experiment_id, hash) is no
-- longer unique, and runs are found by hash through run_hashes instead.
-- SQLite changes a constraint by rebuilding the table (migrate.ts turns foreign keys off).

CREATE TABLE spec_versions (
  experiment_id  INTEGER NOT NULL REFERENCES experiments (id),
  version        INTEGER NOT NULL,        -- 1, 2, … within the experiment
  spec           TEXT    NOT NULL,        -- the raw spec (overrides applied) its runs execute
  created_at     INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, version)
);

-- What each experiment's spec was until now is its version 1, and every run its runs.
INSERT INTO spec_versions (experiment_id, version, spec, created_at) SELECT id, 1, spec, updated_at FROM experiments;

CREATE TABLE runs_v4 (
  id               INTEGER PRIMARY KEY,   -- public run id; insertion order = grid order
  experiment_id    INTEGER NOT NULL REFERENCES experiments (id),
  spec_version     INTEGER,               -- the version it executes; NULL for a run recorded by hand
  hash             TEXT    NOT NULL,      -- sha256 of the canonical JSON of params
  params           TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'PENDING'
                   CHECK (state IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  priority         INTEGER NOT NULL DEFAULT 0,
  attempt          INTEGER NOT NULL DEFAULT 0,  -- times claimed
  failures         INTEGER NOT NULL DEFAULT 0,  -- attempts that failed by themselves
  losses           INTEGER NOT NULL DEFAULT 0,  -- attempts whose worker was lost
  retries          INTEGER NOT NULL DEFAULT 0,  -- failures allowed before FAILED
  lease_owner      TEXT,                        -- worker holding the run while RUNNING
  lease_expires_at INTEGER,
  worker_id        TEXT,                        -- last worker that ran it
  created_at       INTEGER NOT NULL,
  queued_at        INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  exit_code        INTEGER,
  failure_reason   TEXT,                        -- error | timeout | worker lost | cancelled | …
  error            TEXT,
  result           TEXT,
  FOREIGN KEY (experiment_id, spec_version) REFERENCES spec_versions (experiment_id, version)
);
INSERT INTO runs_v4 (id, experiment_id, spec_version, hash, params, state, priority, attempt, failures, losses, retries,
  lease_owner, lease_expires_at, worker_id, created_at, queued_at, started_at, finished_at, exit_code, failure_reason,
  error, result)
SELECT id, experiment_id, 1, hash, params, state, priority, attempt, failures, losses, retries,
  lease_owner, lease_expires_at, worker_id, created_at, queued_at, started_at, finished_at, exit_code, failure_reason,
  error, result
FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;

-- The claim query reads only pending runs, in priority then insertion order.
CREATE INDEX runs_pending ON runs (priority DESC, id) WHERE state = 'PENDING';
CREATE INDEX runs_pending_by_experiment ON runs (experiment_id, priority DESC, id) WHERE state = 'PENDING';
-- The reaper reads only running runs, by lease expiry.
CREATE INDEX runs_leases ON runs (lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX runs_by_state ON runs (experiment_id, state);

-- The runs of an experiment by the first 16 hex digits of their hash (the full hash is in
-- runs). A separate table, not an index on runs: adding a grid writes its keys in batches
-- sorted by hash, each page once per batch, where an index on 64-character hashes written in
-- grid order touched a random page per run (a million-run add: 15 s of its 19 s).
CREATE TABLE run_hashes (
  hash_prefix    TEXT    NOT NULL,
  experiment_id  INTEGER NOT NULL,
  run_id         INTEGER NOT NULL,
  PRIMARY KEY (hash_prefix, experiment_id, run_id)
) WITHOUT ROWID;
INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) SELECT substr(hash, 1, 16), experiment_id, id FROM runs ORDER BY 1, 2, 3;

-- labbook's enqueue writes the keys of the runs it plans itself; a run inserted without a
-- spec version (the Python client's runs recorded by hand) gets its key here.
CREATE TRIGGER run_hashes_of_runs_by_hand AFTER INSERT ON runs WHEN NEW.spec_version IS NULL
BEGIN
  INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) VALUES (substr(NEW.hash, 1, 16), NEW.experiment_id, NEW.id);
END;

-- labbook store, schema 1: experiments, runs (the queue), their audit trail, workers.
-- Times are milliseconds since the Unix epoch (UTC); JSON columns hold canonical JSON text.

CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  spec        TEXT    NOT NULL,           -- the raw spec (overrides applied) that workers run
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,   -- public run id; insertion order = grid order
  experiment_id    INTEGER NOT NULL REFERENCES experiments (id),
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
  UNIQUE (experiment_id, hash)
);

-- The claim query reads only pending runs, in priority then insertion order.
CREATE INDEX runs_pending ON runs (priority DESC, id) WHERE state = 'PENDING';
CREATE INDEX runs_pending_by_experiment ON runs (experiment_id, priority DESC, id) WHERE state = 'PENDING';
-- The reaper reads only running runs, by lease expiry.
CREATE INDEX runs_leases ON runs (lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX runs_by_state ON runs (experiment_id, state);

CREATE TABLE run_events (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  from_state  TEXT,                             -- NULL when the run was created
  to_state    TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  worker_id   TEXT,
  reason      TEXT
);
CREATE INDEX run_events_by_run ON run_events (run_id, id);

CREATE TABLE workers (
  id            TEXT    PRIMARY KEY,
  host          TEXT    NOT NULL,
  pid           INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  heartbeat_at  INTEGER NOT NULL,
  stopped_at    INTEGER,
  info          TEXT    NOT NULL DEFAULT '{}'
);

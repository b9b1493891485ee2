-- labbook store, schema 2: what runs produce. Blobs (checkpoints, artifacts) live as files
-- under <store>/objects/<first 2 hex>/<sha256>; these tables point at them.

-- Every blob the store holds, once per content (dedup by hash).
CREATE TABLE objects (
  sha256      TEXT    PRIMARY KEY,
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- The latest checkpoint of a run (what the next attempt restores).
CREATE TABLE checkpoints (
  run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  attempt     INTEGER NOT NULL,
  sha256      TEXT    NOT NULL REFERENCES objects (sha256),
  size        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);

-- Metric series: one row per logged point. `attempt` keeps points of a redone attempt apart.
CREATE TABLE metrics (
  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt  INTEGER NOT NULL,
  key      TEXT    NOT NULL,
  step     INTEGER,
  at       INTEGER NOT NULL,
  value    REAL
);
CREATE INDEX metrics_by_run_key ON metrics (run_id, key);

-- Per run and key, the summary that queries read instead of scanning series
-- (of the latest attempt that logged the key).
CREATE TABLE metric_summaries (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key         TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  first       REAL,
  last        REAL,
  min         REAL,
  max         REAL,
  count       INTEGER NOT NULL,
  last_step   INTEGER,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE artifacts (
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name        TEXT    NOT NULL,
  attempt     INTEGER NOT NULL,
  sha256      TEXT    NOT NULL REFERENCES objects (sha256),
  size        INTEGER NOT NULL,
  media_type  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
);

-- What a run ran on: git commit and diff, host, versions, command line, seed (JSON).
CREATE TABLE environments (
  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt  INTEGER NOT NULL,
  data     TEXT    NOT NULL,
  PRIMARY KEY (run_id, attempt)
);

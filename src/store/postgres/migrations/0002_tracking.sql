-- labbook store (PostgreSQL), schema 2: what runs produce. Mirrors the SQLite schema 2;
-- metrics.seq stands for SQLite's rowid (logging order, and the feed's position).

CREATE TABLE objects (
  sha256      TEXT   PRIMARY KEY,
  size        BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE checkpoints (
  run_id      BIGINT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  attempt     INTEGER NOT NULL,
  sha256      TEXT   NOT NULL REFERENCES objects (sha256),
  size        BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE metrics (
  seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id   BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt  INTEGER NOT NULL,
  key      TEXT   NOT NULL,
  step     BIGINT,
  at       BIGINT NOT NULL,
  value    DOUBLE PRECISION
);
CREATE INDEX metrics_by_run_key ON metrics (run_id, key);

CREATE TABLE metric_summaries (
  run_id      BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key         TEXT   NOT NULL,
  attempt     INTEGER NOT NULL,
  first       DOUBLE PRECISION,
  last        DOUBLE PRECISION,
  min         DOUBLE PRECISION,
  max         DOUBLE PRECISION,
  count       BIGINT NOT NULL,
  last_step   BIGINT,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE artifacts (
  run_id      BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name        TEXT   NOT NULL,
  attempt     INTEGER NOT NULL,
  sha256      TEXT   NOT NULL REFERENCES objects (sha256),
  size        BIGINT NOT NULL,
  media_type  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE environments (
  run_id   BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  attempt  INTEGER NOT NULL,
  data     TEXT   NOT NULL,
  PRIMARY KEY (run_id, attempt)
);

-- labbook store (PostgreSQL), schema 7: code snapshots and reruns (see the SQLite schema 7).

CREATE TABLE code_snapshots (
  tree        TEXT   PRIMARY KEY,
  git_commit  TEXT   NOT NULL,
  diff        TEXT,
  repository  TEXT   NOT NULL,
  created_at  BIGINT NOT NULL
);

ALTER TABLE runs ADD COLUMN rerun_of BIGINT REFERENCES runs (id);

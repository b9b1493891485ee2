-- labbook store, schema 5: studies (hyper-parameter searches, docs/studies.md). A study
-- searches a space for one experiment; each of its trials is a run of that experiment (its
-- parameters are the trial's), so trials are listed, queried, tabled and plotted as runs are.
-- Portable SQL: JSON is stored as TEXT, ids are INTEGER PRIMARY KEY.

CREATE TABLE studies (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL UNIQUE,
  experiment_id   INTEGER NOT NULL REFERENCES experiments (id),
  space           TEXT    NOT NULL,   -- the search: block, as given (JSON)
  sampler         TEXT    NOT NULL,   -- grid | random | tpe | nsga2
  sampler_options TEXT    NOT NULL,   -- JSON object
  pruner          TEXT,               -- median | successive-halving | hyperband | asha; NULL: none
  pruner_options  TEXT    NOT NULL,   -- JSON object
  directions      TEXT    NOT NULL,   -- JSON list of minimize | maximize, one per objective
  objectives      TEXT    NOT NULL,   -- JSON list of the objectives' names (metric keys)
  seed            INTEGER NOT NULL,
  -- Counts the changes of the study's trials; each trial keeps the count of its latest change,
  -- so a client that read the trials up to a count reads only those changed since.
  trial_seq       INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
);

-- A trial is numbered 0, 1, 2, … within its study, in the order it was asked. While RUNNING it
-- is held by the client that asked it until lease_expires_at (renewed while that client
-- lives); an expired one is asked again, with the same number and parameters, so a crashed
-- client loses no trial and none is evaluated twice at once.
CREATE TABLE trials (
  study_id          INTEGER NOT NULL REFERENCES studies (id),
  number            INTEGER NOT NULL,
  run_id            INTEGER NOT NULL REFERENCES runs (id),
  state             TEXT    NOT NULL DEFAULT 'RUNNING'
                    CHECK (state IN ('RUNNING', 'COMPLETE', 'PRUNED', 'FAILED')),
  params            TEXT    NOT NULL,   -- JSON object: the active parameters
  trial_values      TEXT,               -- JSON list, one per objective, once COMPLETE
  lease_owner       TEXT,
  lease_expires_at  INTEGER,
  asked_at          INTEGER NOT NULL,
  finished_at       INTEGER,
  updated_seq       INTEGER NOT NULL,   -- the study's trial_seq at the trial's latest change
  PRIMARY KEY (study_id, number)
);
CREATE INDEX trials_running ON trials (study_id, lease_expires_at) WHERE state = 'RUNNING';
CREATE INDEX trials_changed ON trials (study_id, updated_seq);
CREATE INDEX trials_by_run ON trials (run_id);

-- What a trial reported on the way (`trial.report(step, value)`), for the pruners; the first
-- report of a step counts.
CREATE TABLE trial_reports (
  study_id  INTEGER NOT NULL,
  number    INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  value     REAL,
  PRIMARY KEY (study_id, number, step),
  FOREIGN KEY (study_id, number) REFERENCES trials (study_id, number)
);

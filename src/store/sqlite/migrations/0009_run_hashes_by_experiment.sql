-- labbook store, schema 9: run_hashes keyed by experiment first. Every lookup names the
-- experiment, and keyed by hash first, the few hundred keys of a small add landed on as many
-- pages spread over the whole table: in a store of 655,000 runs, adding 1,000 wrote ~1,000
-- pages (4 MB of WAL) and took 5 ms for its keys alone. By experiment first, a new
-- experiment's keys are a few pages at the table's end, and a million-run add still writes
-- them in key order.

DROP TRIGGER run_hashes_of_runs_by_hand;
CREATE TABLE run_hashes_by_experiment (
  hash_prefix    TEXT    NOT NULL,
  experiment_id  INTEGER NOT NULL,
  run_id         INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, hash_prefix, run_id)
) WITHOUT ROWID;
INSERT INTO run_hashes_by_experiment (hash_prefix, experiment_id, run_id)
  SELECT hash_prefix, experiment_id, run_id FROM run_hashes ORDER BY experiment_id, hash_prefix, run_id;
DROP TABLE run_hashes;
ALTER TABLE run_hashes_by_experiment RENAME TO run_hashes;

-- As in migration 0004: a run inserted without a spec version (a run recorded by hand) gets its key here.
CREATE TRIGGER run_hashes_of_runs_by_hand AFTER INSERT ON runs WHEN NEW.spec_version IS NULL
BEGIN
  INSERT INTO run_hashes (hash_prefix, experiment_id, run_id) VALUES (substr(NEW.hash, 1, 16), NEW.experiment_id, NEW.id);
END;

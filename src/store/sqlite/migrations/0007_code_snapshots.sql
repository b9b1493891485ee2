-- labbook store, schema 7: code snapshots and reruns (docs/reproducibility.md).
-- A spec added with code: {snapshot: true} runs a copy of its repository's code taken at
-- that moment, kept under <store>/code/<tree>/; the spec version records which (its spec's
-- code.commit and code.tree), this table what was taken: the commit and, when the working
-- tree had uncommitted changes (--allow-dirty), those changes as a diff.

CREATE TABLE code_snapshots (
  tree        TEXT    PRIMARY KEY,      -- git's id of the tree taken: the name of its directory
  git_commit  TEXT    NOT NULL,         -- the commit it was taken at (HEAD)
  diff        TEXT,                     -- git diff --binary from the commit to the tree; NULL when clean
  repository  TEXT    NOT NULL,         -- where it was taken from (the repository's top directory)
  created_at  INTEGER NOT NULL
);

-- A run made by `labbook rerun` executes the run it names again: same spec version (its code
-- snapshot), parameters and seed, as a run of its own.
ALTER TABLE runs ADD COLUMN rerun_of INTEGER REFERENCES runs (id);

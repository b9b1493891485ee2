-- labbook store, schema 3: the large parts of environments (a pip package list, a git diff)
-- are stored once, however many runs share them; environments.data refers to them as
-- {"$part": "<sha256>"} (see src/store/environment-parts.ts).
CREATE TABLE environment_parts (
  sha256  TEXT PRIMARY KEY,
  data    TEXT NOT NULL
) WITHOUT ROWID;

-- labbook store (PostgreSQL), schema 3: the large parts of environments, stored once
-- (see src/store/environment-parts.ts).
CREATE TABLE environment_parts (
  sha256  TEXT PRIMARY KEY,
  data    TEXT NOT NULL
);

-- labbook store (PostgreSQL), schema 4: spec versions (see the SQLite schema 4). PostgreSQL
-- changes the constraints in place. Runs are found by hash through an index on
-- (experiment_id, hash): the SQLite store's run_hashes table works around SQLite's B-tree
-- page writes, which PostgreSQL does not need.

CREATE TABLE spec_versions (
  experiment_id  BIGINT  NOT NULL REFERENCES experiments (id),
  version        INTEGER NOT NULL,
  spec           TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL,
  PRIMARY KEY (experiment_id, version)
);
INSERT INTO spec_versions (experiment_id, version, spec, created_at) SELECT id, 1, spec, updated_at FROM experiments;

ALTER TABLE runs ADD COLUMN spec_version INTEGER;
UPDATE runs SET spec_version = 1;
ALTER TABLE runs DROP CONSTRAINT runs_experiment_id_hash_key;
ALTER TABLE runs ADD FOREIGN KEY (experiment_id, spec_version) REFERENCES spec_versions (experiment_id, version);
CREATE INDEX runs_by_hash ON runs (experiment_id, hash);

-- The query dialect's JSON access (src/store/postgres/sql/query-dialect.ts): the value at a
-- path of a JSON text, and its type named as SQLite's json_type names it.
CREATE FUNCTION lb_json(doc TEXT, path TEXT[]) RETURNS JSONB
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT doc::jsonb #> path $$;
CREATE FUNCTION lb_json_type(doc TEXT, path TEXT[]) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'number' THEN CASE WHEN v::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
    WHEN 'string' THEN 'text'
    WHEN 'boolean' THEN v::text
    ELSE jsonb_typeof(v) END
  FROM (SELECT doc::jsonb #> path AS v) j $$;
CREATE FUNCTION lb_json_number(doc TEXT, path TEXT[]) RETURNS DOUBLE PRECISION
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::double precision END FROM (SELECT doc::jsonb #> path AS v) j $$;
-- The dotted paths of a JSON object's leaves (what is not an object; a list is one leaf), for
-- the key catalog, as the SQLite store lists them with json_tree.
CREATE FUNCTION lb_json_leaves(doc JSONB) RETURNS SETOF TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH RECURSIVE t (key, value) AS (
    SELECT e.key, e.value FROM jsonb_each(CASE WHEN jsonb_typeof(doc) = 'object' THEN doc ELSE '{}'::jsonb END) e
    UNION ALL
    SELECT t.key || '.' || e.key, e.value
    FROM t, jsonb_each(CASE WHEN jsonb_typeof(t.value) = 'object' THEN t.value ELSE '{}'::jsonb END) e
  )
  SELECT key FROM t WHERE jsonb_typeof(value) <> 'object' $$;

-- PostgreSQL only: the store's settings, e.g. objects_dir, the directory (shared by every
-- machine that uses the store) where its object files live (labbook init --objects DIR).
CREATE TABLE store_config (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

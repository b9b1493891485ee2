-- labbook store, schema 6: provenance (src/domain/provenance.ts, docs/provenance.md).
-- Entities are written once: `uid` is the sha256 of their canonical JSON (`body`), so a new
-- version is a new row. Annotations and tags are added later, beside them.

CREATE TABLE entities (
  id          INTEGER PRIMARY KEY,
  uid         TEXT    NOT NULL UNIQUE,
  kind        TEXT    NOT NULL
              CHECK (kind IN ('dataset', 'transform', 'model', 'training_run', 'prediction', 'evaluation')),
  name        TEXT    NOT NULL,
  version     TEXT,                    -- NULL: known by its uid alone (NULLs never collide in UNIQUE)
  body        TEXT    NOT NULL,        -- the entity, canonical JSON
  created_at  INTEGER NOT NULL,
  UNIQUE (kind, name, version)
);
CREATE INDEX entities_by_name ON entities (kind, name);

-- Lineage: `from_id` was made out of `to_id`. Derived from the body when the entity is written.
CREATE TABLE entity_edges (
  from_id  INTEGER NOT NULL REFERENCES entities (id),
  edge     TEXT    NOT NULL
           CHECK (edge IN ('derived_from', 'trained_on', 'evaluated_on', 'predicted_by', 'produced_by')),
  to_id    INTEGER NOT NULL REFERENCES entities (id),
  PRIMARY KEY (from_id, edge, to_id)
);
CREATE INDEX entity_edges_by_target ON entity_edges (to_id, edge);

CREATE TABLE entity_annotations (
  entity_id   INTEGER NOT NULL REFERENCES entities (id),
  key         TEXT    NOT NULL,
  value       TEXT    NOT NULL,        -- JSON
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (entity_id, key)
);

CREATE TABLE entity_tags (
  entity_id   INTEGER NOT NULL REFERENCES entities (id),
  tag         TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (entity_id, tag)
);

-- Immutability below the store's code too: what was written is never changed nor removed
-- (a trigger per dialect; PostgreSQL's is a function raising an exception).
CREATE TRIGGER entities_immutable BEFORE UPDATE ON entities
BEGIN SELECT RAISE(ABORT, 'entities are immutable: record a new version instead'); END;
CREATE TRIGGER entities_undeletable BEFORE DELETE ON entities
BEGIN SELECT RAISE(ABORT, 'entities are immutable: record a new version instead'); END;
CREATE TRIGGER entity_edges_immutable BEFORE UPDATE ON entity_edges
BEGIN SELECT RAISE(ABORT, 'lineage edges are immutable'); END;
CREATE TRIGGER entity_edges_undeletable BEFORE DELETE ON entity_edges
BEGIN SELECT RAISE(ABORT, 'lineage edges are immutable'); END;
CREATE TRIGGER entity_annotations_immutable BEFORE UPDATE ON entity_annotations
BEGIN SELECT RAISE(ABORT, 'an annotation keeps its value once set'); END;

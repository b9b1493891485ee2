import { type EntityRecord, edgesOf, type LineageEdge } from '../../../domain/provenance.js';
import { EntityNotFoundError } from '../../../errors.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import type { JsonValue } from '../../../spec/types.js';
import type { EntitySelector, NewEntity, RecordedEntity } from '../../provenance-types.js';
import {
  ANNOTATION,
  ANNOTATIONS_OF,
  annotationSet,
  ENTITY_ID,
  type EntityRow,
  INSERT_ANNOTATION,
  INSERT_ENTITY,
  INSERT_TAG,
  lineageSql,
  missingLink,
  selectEntities,
  TAGS_OF,
  toEdges,
  toEntityRecord,
  VERSION_TAKEN,
  versionTaken,
} from '../../rows/provenance-sql.js';
import type { SqliteConnection } from '../connection.js';
import type { StatementCache } from '../statement-cache.js';

/** Provenance entities, their lineage edges and annotations (migration 0006). */

export function recordEntities(db: SqliteConnection, sql: StatementCache, entities: readonly NewEntity[], now: number): RecordedEntity[] {
  return db.transaction(() => entities.map((entity) => recordEntity(sql, entity, now)), 'immediate');
}

function recordEntity(sql: StatementCache, { uid, entity, body }: NewEntity, now: number): RecordedEntity {
  if (idOf(sql, uid) !== undefined) return { uid, created: false };
  const version = entity.version ?? null;
  if (version !== null) {
    const taken = sql.get(VERSION_TAKEN).get(entity.kind, entity.name, version) as { uid: string } | undefined;
    if (taken) throw versionTaken(entity, version, taken.uid);
  }
  const links = edgesOf(entity).map(({ edge, to }) => {
    const toId = idOf(sql, to);
    if (toId === undefined) throw missingLink(entity, edge, to);
    return { edge, toId };
  });
  const { id } = sql.get(INSERT_ENTITY).get(uid, entity.kind, entity.name, version, body, now) as { id: number };
  const insertEdge = sql.get('INSERT INTO entity_edges (from_id, edge, to_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  for (const { edge, toId } of links) insertEdge.run(id, edge, toId);
  return { uid, created: true };
}

function idOf(sql: StatementCache, uid: string): number | undefined {
  return (sql.get(ENTITY_ID).get(uid) as { id: number } | undefined)?.id;
}

export function findEntities(sql: StatementCache, selector: EntitySelector): EntityRecord[] {
  const { sql: text, params } = selectEntities(selector);
  return (sql.get(text).all(...params) as EntityRow[]).map((row) =>
    toEntityRecord(
      row,
      sql.get(ANNOTATIONS_OF).all(row.id) as Array<{ key: string; value: string }>,
      sql.get(TAGS_OF).all(row.id) as Array<{ tag: string }>,
    ),
  );
}

export function lineageEdges(
  sql: StatementCache,
  uids: readonly string[],
  direction: 'upstream' | 'downstream',
  maxDepth = Number.MAX_SAFE_INTEGER,
): LineageEdge[] {
  if (uids.length === 0) return [];
  const statement = lineageSql(uids, direction, maxDepth);
  return toEdges(sql.get(statement.sql).all(...statement.params) as unknown as LineageEdge[]);
}

export function annotateEntity(
  db: SqliteConnection,
  sql: StatementCache,
  uid: string,
  annotations: Readonly<Record<string, JsonValue>>,
  tags: readonly string[],
  now: number,
): EntityRecord {
  return db.transaction(() => {
    const id = idOf(sql, uid);
    if (id === undefined) throw new EntityNotFoundError(uid);
    for (const [key, value] of Object.entries(annotations)) {
      const text = canonicalJson(value);
      const found = sql.get(ANNOTATION).get(id, key) as { value: string } | undefined;
      if (found && found.value !== text) throw annotationSet(uid, key, found.value);
      if (!found) sql.get(INSERT_ANNOTATION).run(id, key, text, now);
    }
    for (const name of tags) sql.get(INSERT_TAG).run(id, name, now);
    const [record] = findEntities(sql, { uids: [uid] });
    return record as EntityRecord;
  }, 'immediate');
}

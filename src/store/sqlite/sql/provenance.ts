import { type EntityKind, type EntityRecord, edgesOf, type LineageEdge } from '../../../domain/provenance.js';
import { EntityImmutableError, EntityLinkError, EntityNotFoundError } from '../../../errors.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import type { JsonValue } from '../../../spec/types.js';
import type { EntitySelector, NewEntity, RecordedEntity } from '../../provenance-types.js';
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
    const taken = sql.get('SELECT uid FROM entities WHERE kind = ? AND name = ? AND version = ?').get(entity.kind, entity.name, version) as
      | { uid: string }
      | undefined;
    if (taken)
      throw new EntityImmutableError(
        `${entity.kind} '${entity.name}' version '${version}' is ${taken.uid.slice(0, 12)} already, with other content; ` +
          'an entity never changes: record the new content as a new version',
      );
  }
  const links = edgesOf(entity).map(({ edge, to }) => {
    const toId = idOf(sql, to);
    if (toId === undefined)
      throw new EntityLinkError(
        `${entity.kind} '${entity.name}' links (${edge}) to ${to.slice(0, 12)}, which the store does not hold: record it first`,
      );
    return { edge, toId };
  });
  const { id } = sql
    .get('INSERT INTO entities (uid, kind, name, version, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id')
    .get(uid, entity.kind, entity.name, version, body, now) as { id: number };
  const insertEdge = sql.get('INSERT INTO entity_edges (from_id, edge, to_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  for (const { edge, toId } of links) insertEdge.run(id, edge, toId);
  return { uid, created: true };
}

function idOf(sql: StatementCache, uid: string): number | undefined {
  return (sql.get('SELECT id FROM entities WHERE uid = ?').get(uid) as { id: number } | undefined)?.id;
}

type EntityRow = { id: number; uid: string; kind: EntityKind; name: string; version: string | null; body: string; created_at: number };

export function findEntities(sql: StatementCache, selector: EntitySelector): EntityRecord[] {
  const where: string[] = [];
  const args: Array<string | number> = [];
  const among = (column: string, values: readonly string[] | undefined) => {
    if (!values) return;
    where.push(values.length ? `${column} IN (${values.map(() => '?').join(', ')})` : '1 = 0');
    args.push(...values);
  };
  among('e.uid', selector.uids);
  among('e.kind', selector.kinds);
  if (selector.uidPrefix !== undefined) {
    // A range on the unique index, not LIKE: the prefix is hex, and the range is portable.
    where.push('e.uid >= ? AND e.uid < ?');
    args.push(selector.uidPrefix, `${selector.uidPrefix}g`);
  }
  for (const [column, value] of [
    ['e.name', selector.name],
    ['e.version', selector.version],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    args.push(value);
  }
  for (const tag of selector.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM entity_tags t WHERE t.entity_id = e.id AND t.tag = ?)');
    args.push(tag);
  }
  const text = `SELECT e.id, e.uid, e.kind, e.name, e.version, e.body, e.created_at FROM entities e
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id${selector.limit ? ` LIMIT ${Math.trunc(selector.limit)}` : ''}`;
  const rows = sql.get(text).all(...args) as EntityRow[];
  return rows.map((row) => entityRecord(sql, row));
}

function entityRecord(sql: StatementCache, row: EntityRow): EntityRecord {
  const annotations: Record<string, JsonValue> = {};
  for (const { key, value } of sql.get('SELECT key, value FROM entity_annotations WHERE entity_id = ? ORDER BY key').all(row.id) as Array<{
    key: string;
    value: string;
  }>)
    annotations[key] = JSON.parse(value) as JsonValue;
  const tags = (sql.get('SELECT tag FROM entity_tags WHERE entity_id = ? ORDER BY tag').all(row.id) as Array<{ tag: string }>).map(
    (t) => t.tag,
  );
  return {
    uid: row.uid,
    kind: row.kind,
    name: row.name,
    version: row.version,
    entity: JSON.parse(row.body),
    createdAt: row.created_at,
    annotations,
    tags,
  };
}

export function lineageEdges(
  sql: StatementCache,
  uids: readonly string[],
  direction: 'upstream' | 'downstream',
  maxDepth = Number.MAX_SAFE_INTEGER,
): LineageEdge[] {
  if (uids.length === 0) return [];
  // Upstream follows edges from an entity to what it was made of; downstream, the reverse.
  const [near, far] = direction === 'upstream' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
  const text = `WITH RECURSIVE reached (id, depth) AS (
      SELECT id, 0 FROM entities WHERE uid IN (${uids.map(() => '?').join(', ')})
      UNION
      SELECT x.${far}, r.depth + 1 FROM entity_edges x JOIN reached r ON x.${near} = r.id WHERE r.depth < ?
    )
    SELECT DISTINCT f.uid AS "from", x.edge AS edge, t.uid AS "to"
    FROM entity_edges x JOIN entities f ON f.id = x.from_id JOIN entities t ON t.id = x.to_id
    WHERE x.${near} IN (SELECT id FROM reached WHERE depth < ?)
    ORDER BY 1, 2, 3`;
  const rows = sql.get(text).all(...uids, maxDepth, maxDepth) as unknown as LineageEdge[];
  return rows.map(({ from, edge, to }) => ({ from, edge, to }));
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
    const current = sql.get('SELECT value FROM entity_annotations WHERE entity_id = ? AND key = ?');
    const insert = sql.get('INSERT INTO entity_annotations (entity_id, key, value, created_at) VALUES (?, ?, ?, ?)');
    for (const [key, value] of Object.entries(annotations)) {
      const text = canonicalJson(value);
      const found = current.get(id, key) as { value: string } | undefined;
      if (found && found.value !== text)
        throw new EntityImmutableError(
          `annotation '${key}' of ${uid.slice(0, 12)} is ${found.value} already; an annotation keeps its value: use another key`,
        );
      if (!found) insert.run(id, key, text, now);
    }
    const tag = sql.get('INSERT INTO entity_tags (entity_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    for (const name of tags) tag.run(id, name, now);
    const [record] = findEntities(sql, { uids: [uid] });
    return record as EntityRecord;
  }, 'immediate');
}

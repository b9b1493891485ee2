import type { Entity, EntityKind, EntityRecord, LineageEdge } from '../../domain/provenance.js';
import { EntityImmutableError, EntityLinkError } from '../../errors.js';
import type { JsonValue } from '../../spec/types.js';
import type { EntitySelector } from '../provenance-types.js';

/*
 * What both backends' provenance tables share (migration 0006): portable statements, the
 * refusals, and entity records as they are read.
 */

export type EntityRow = {
  id: number;
  uid: string;
  kind: EntityKind;
  name: string;
  version: string | null;
  body: string;
  created_at: number;
};

export const ENTITY_ID = 'SELECT id FROM entities WHERE uid = ?';
export const VERSION_TAKEN = 'SELECT uid FROM entities WHERE kind = ? AND name = ? AND version = ?';
export const INSERT_ENTITY = 'INSERT INTO entities (uid, kind, name, version, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id';
export const ANNOTATIONS_OF = 'SELECT key, value FROM entity_annotations WHERE entity_id = ? ORDER BY key';
export const TAGS_OF = 'SELECT tag FROM entity_tags WHERE entity_id = ? ORDER BY tag';
export const ANNOTATION = 'SELECT value FROM entity_annotations WHERE entity_id = ? AND key = ?';
export const INSERT_ANNOTATION = 'INSERT INTO entity_annotations (entity_id, key, value, created_at) VALUES (?, ?, ?, ?)';
export const INSERT_TAG = 'INSERT INTO entity_tags (entity_id, tag, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING';

export function versionTaken(entity: Entity, version: string, uid: string): EntityImmutableError {
  return new EntityImmutableError(
    `${entity.kind} '${entity.name}' version '${version}' is ${uid.slice(0, 12)} already, with other content; ` +
      'an entity never changes: record the new content as a new version',
  );
}

export function missingLink(entity: Entity, edge: string, to: string): EntityLinkError {
  return new EntityLinkError(
    `${entity.kind} '${entity.name}' links (${edge}) to ${to.slice(0, 12)}, which the store does not hold: record it first`,
  );
}

export function annotationSet(uid: string, key: string, value: string): EntityImmutableError {
  return new EntityImmutableError(
    `annotation '${key}' of ${uid.slice(0, 12)} is ${value} already; an annotation keeps its value: use another key`,
  );
}

/** The entities a selector picks, oldest first. */
export function selectEntities(selector: EntitySelector): { sql: string; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const among = (column: string, values: readonly string[] | undefined) => {
    if (!values) return;
    where.push(values.length ? `${column} IN (${values.map(() => '?').join(', ')})` : '1 = 0');
    params.push(...values);
  };
  among('e.uid', selector.uids);
  among('e.kind', selector.kinds);
  if (selector.uidPrefix !== undefined) {
    // A range on the unique index, not LIKE: the prefix is hex, and the range is portable.
    where.push('e.uid >= ? AND e.uid < ?');
    params.push(selector.uidPrefix, `${selector.uidPrefix}g`);
  }
  for (const [column, value] of [
    ['e.name', selector.name],
    ['e.version', selector.version],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  for (const tag of selector.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM entity_tags t WHERE t.entity_id = e.id AND t.tag = ?)');
    params.push(tag);
  }
  const sql = `SELECT e.id, e.uid, e.kind, e.name, e.version, e.body, e.created_at FROM entities e
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.id${selector.limit ? ` LIMIT ${Math.trunc(selector.limit)}` : ''}`;
  return { sql, params };
}

export function toEntityRecord(
  row: EntityRow,
  annotations: ReadonlyArray<{ key: string; value: string }>,
  tags: ReadonlyArray<{ tag: string }>,
): EntityRecord {
  return {
    uid: row.uid,
    kind: row.kind,
    name: row.name,
    version: row.version,
    entity: JSON.parse(row.body),
    createdAt: row.created_at,
    annotations: Object.fromEntries(annotations.map(({ key, value }) => [key, JSON.parse(value) as JsonValue])),
    tags: tags.map((t) => t.tag),
  };
}

/** The edges reachable from `uids` (see ProvenanceStore.lineageEdges), one statement. */
export function lineageSql(
  uids: readonly string[],
  direction: 'upstream' | 'downstream',
  maxDepth: number,
): { sql: string; params: unknown[] } {
  // Upstream follows edges from an entity to what it was made of; downstream, the reverse.
  const [near, far] = direction === 'upstream' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
  const sql = `WITH RECURSIVE reached (id, depth) AS (
      SELECT id, 0 FROM entities WHERE uid IN (${uids.map(() => '?').join(', ')})
      UNION
      SELECT x.${far}, r.depth + 1 FROM entity_edges x JOIN reached r ON x.${near} = r.id WHERE r.depth < ?
    )
    SELECT DISTINCT f.uid AS "from", x.edge AS edge, t.uid AS "to"
    FROM entity_edges x JOIN entities f ON f.id = x.from_id JOIN entities t ON t.id = x.to_id
    WHERE x.${near} IN (SELECT id FROM reached WHERE depth < ?)
    ORDER BY 1, 2, 3`;
  return { sql, params: [...uids, maxDepth, maxDepth] };
}

export const toEdges = (rows: readonly LineageEdge[]): LineageEdge[] => rows.map(({ from, edge, to }) => ({ from, edge, to }));

import { type EntityRecord, edgesOf, type LineageEdge } from '../../../domain/provenance.js';
import { EntityNotFoundError } from '../../../errors.js';
import { canonicalJson } from '../../../spec/canonical-json.js';
import type { JsonValue } from '../../../spec/types.js';
import type { EntitySelector, NewEntity, RecordedEntity } from '../../provenance-types.js';
import * as P from '../../rows/provenance-sql.js';
import type { PgDatabase, PgSession } from '../pg-database.js';

/**
 * Provenance entities (migration 0006), on PostgreSQL. A batch is one transaction under a
 * transaction-scoped advisory lock, so two writers of the same (kind, name, version) are
 * told apart as on SQLite (one writer at a time) instead of failing on the unique index.
 */
const ENTITIES_LOCK = 0x6c62656e;

export function recordEntities(db: PgDatabase, entities: readonly NewEntity[], now: number): Promise<RecordedEntity[]> {
  return db.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(?)', [ENTITIES_LOCK]);
    const recorded: RecordedEntity[] = [];
    for (const entity of entities) recorded.push(await recordEntity(tx, entity, now));
    return recorded;
  });
}

async function recordEntity(tx: PgSession, { uid, entity, body }: NewEntity, now: number): Promise<RecordedEntity> {
  if ((await idOf(tx, uid)) !== undefined) return { uid, created: false };
  const version = entity.version ?? null;
  const taken = version === null ? undefined : await tx.get<{ uid: string }>(P.VERSION_TAKEN, [entity.kind, entity.name, version]);
  if (taken && version !== null) throw P.versionTaken(entity, version, taken.uid);
  const links = edgesOf(entity);
  const targets = await tx.all<{ id: number; uid: string }>('SELECT id, uid FROM entities WHERE uid = ANY(?::text[])', [
    links.map((l) => l.to),
  ]);
  const idByUid = new Map(targets.map((t) => [t.uid, t.id]));
  const missing = links.find((link) => !idByUid.has(link.to));
  if (missing) throw P.missingLink(entity, missing.edge, missing.to);
  const inserted = await tx.get<{ id: number }>(P.INSERT_ENTITY, [uid, entity.kind, entity.name, version, body, now]);
  if (links.length) {
    await tx.run(
      'INSERT INTO entity_edges (from_id, edge, to_id) SELECT ?, u.edge, u.to_id FROM unnest(?::text[], ?::bigint[]) AS u(edge, to_id) ON CONFLICT DO NOTHING',
      [inserted?.id, links.map((l) => l.edge), links.map((l) => idByUid.get(l.to))],
    );
  }
  return { uid, created: true };
}

async function idOf(db: PgSession, uid: string): Promise<number | undefined> {
  return (await db.get<{ id: number }>(P.ENTITY_ID, [uid]))?.id;
}

export async function findEntities(db: PgSession, selector: EntitySelector): Promise<EntityRecord[]> {
  const { sql, params } = P.selectEntities(selector);
  const rows = await db.all<P.EntityRow>(sql, params);
  return Promise.all(
    rows.map(async (row) =>
      P.toEntityRecord(
        row,
        await db.all<{ key: string; value: string }>(P.ANNOTATIONS_OF, [row.id]),
        await db.all<{ tag: string }>(P.TAGS_OF, [row.id]),
      ),
    ),
  );
}

export async function lineageEdges(
  db: PgSession,
  uids: readonly string[],
  direction: 'upstream' | 'downstream',
  maxDepth = 2 ** 31 - 1,
): Promise<LineageEdge[]> {
  if (uids.length === 0) return [];
  const statement = P.lineageSql(uids, direction, maxDepth);
  return P.toEdges(await db.all<LineageEdge>(statement.sql, statement.params));
}

export function annotateEntity(
  db: PgDatabase,
  uid: string,
  annotations: Readonly<Record<string, JsonValue>>,
  tags: readonly string[],
  now: number,
): Promise<EntityRecord> {
  return db.transaction(async (tx) => {
    const id = await tx.get<{ id: number }>(`${P.ENTITY_ID} FOR UPDATE`, [uid]);
    if (id === undefined) throw new EntityNotFoundError(uid);
    for (const [key, value] of Object.entries(annotations)) {
      const text = canonicalJson(value);
      const found = await tx.get<{ value: string }>(P.ANNOTATION, [id.id, key]);
      if (found && found.value !== text) throw P.annotationSet(uid, key, found.value);
      if (!found) await tx.run(P.INSERT_ANNOTATION, [id.id, key, text, now]);
    }
    for (const tag of tags) await tx.run(P.INSERT_TAG, [id.id, tag, now]);
    return (await findEntities(tx, { uids: [uid] }))[0] as EntityRecord;
  });
}

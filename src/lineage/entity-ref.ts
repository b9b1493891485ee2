import { ENTITY_KINDS, type EntityKind, type EntityRecord } from '../domain/provenance.js';
import { EntityAmbiguousError, EntityNotFoundError } from '../errors.js';
import type { ProvenanceStore } from '../store/provenance-types.js';

const MIN_PREFIX = 6;

/**
 * The entity a user names: at least 6 hex digits of its id, or `kind:name` (the one version
 * of that name, or the only one without a version) or `kind:name@version`.
 */
export async function resolveEntity(store: ProvenanceStore, ref: string): Promise<EntityRecord> {
  const trimmed = ref.trim();
  const named = /^([a-z_]+):(.+?)(?:@([^@]+))?$/.exec(trimmed);
  let found: EntityRecord[];
  if (named && (ENTITY_KINDS as readonly string[]).includes(named[1] as string)) {
    const [, kind, name, version] = named as unknown as [string, EntityKind, string, string | undefined];
    found = await store.findEntities({ kinds: [kind], name, ...(version !== undefined && { version }), limit: 10 });
  } else if (new RegExp(`^[0-9a-f]{${MIN_PREFIX},64}$`).test(trimmed)) {
    found = await store.findEntities({ uidPrefix: trimmed, limit: 10 });
  } else {
    throw new EntityNotFoundError(ref);
  }
  if (found.length === 0) throw new EntityNotFoundError(ref);
  if (found.length > 1)
    throw new EntityAmbiguousError(
      ref,
      found.map((record) => record.uid.slice(0, 12)),
    );
  return found[0] as EntityRecord;
}

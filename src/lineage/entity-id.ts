import type { Entity } from '../domain/provenance.js';
import { canonicalJson } from '../spec/canonical-json.js';
import { sha256Hex } from '../spec/run-hash.js';
import type { JsonValue } from '../spec/types.js';
import type { NewEntity } from '../store/provenance-types.js';

/**
 * An entity's id is the sha256 of its canonical JSON (RFC 8785, as a run's hash): the same
 * content is the same entity, whoever writes it, and the Python client computes the id of
 * what it links to before sending anything (labbook/provenance.py, same test vectors).
 */
export function newEntity(entity: Entity): NewEntity {
  const body = canonicalJson(entity as unknown as JsonValue);
  return { uid: sha256Hex(body), entity, body };
}

/** How an entity is named in listings: `model svc@2 1a2b3c4d5e6f`. */
export function entityLabel(record: { kind: string; name: string; version: string | null; uid: string }): string {
  return `${record.kind} ${record.name}${record.version === null ? '' : `@${record.version}`} ${record.uid.slice(0, 12)}`;
}

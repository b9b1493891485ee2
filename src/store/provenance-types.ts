import type { Entity, EntityKind, EntityRecord, LineageEdge } from '../domain/provenance.js';
import type { JsonValue } from '../spec/types.js';

/** An entity to write, with its content id and canonical JSON (computed once, by src/lineage). */
export interface NewEntity {
  uid: string;
  entity: Entity;
  /** The canonical JSON of `entity`, whose sha256 is `uid`. */
  body: string;
}

export interface RecordedEntity {
  uid: string;
  /** False when the store held it already (writing the same content again changes nothing). */
  created: boolean;
}

/** Which entities to read: every field given must hold. */
export interface EntitySelector {
  uids?: readonly string[];
  /** Entities whose id starts with these hex digits. */
  uidPrefix?: string;
  kinds?: readonly EntityKind[];
  name?: string;
  version?: string;
  tags?: readonly string[];
  limit?: number;
}

/**
 * The provenance part of the store (docs/provenance.md): immutable entities, the lineage
 * edges their links make, and the annotations and tags added to them later.
 */
export interface ProvenanceStore {
  /**
   * Writes entities in one transaction, in the order given (an entity may link to one before
   * it in the batch). An entity already stored is left as it is. Refused as a whole, nothing
   * written: a (kind, name, version) that names other content (EntityImmutableError), a link
   * to an entity the store does not hold (EntityLinkError).
   */
  recordEntities(entities: readonly NewEntity[], now: number): Promise<RecordedEntity[]>;
  /** Oldest first. */
  findEntities(selector: EntitySelector): Promise<EntityRecord[]>;
  /**
   * The edges reachable from `uids`: towards what they were made of (`upstream`) or what was
   * made of them (`downstream`), at most `maxDepth` edges away (default: all).
   */
  lineageEdges(uids: readonly string[], direction: 'upstream' | 'downstream', maxDepth?: number): Promise<LineageEdge[]>;
  /**
   * Adds annotations and tags to an entity in one transaction. Setting a key to the value it
   * has changes nothing; to another value is refused (EntityImmutableError), nothing written.
   */
  annotateEntity(
    uid: string,
    annotations: Readonly<Record<string, JsonValue>>,
    tags: readonly string[],
    now: number,
  ): Promise<EntityRecord>;
}

import { EDGE_KINDS, type EdgeKind, ENTITY_KINDS, type EntityKind, type EntityRecord } from '../domain/provenance.js';
import { EntityFilterError } from '../errors.js';
import type { EntitySelector, ProvenanceStore } from '../store/provenance-types.js';
import { resolveEntity } from './entity-ref.js';

/**
 * Which entities a command acts on, written as `key=value` terms that must all hold
 * (docs/provenance.md, "Selecting entities"):
 *
 *   kind=evaluation,model  name=…  version=…  tag=…  task=…  metric=…
 *   upstream=REF [via=EDGE]   made (transitively) out of REF; with `via`, the first step
 *                             from REF is that edge: `kind=evaluation upstream=dataset:digits
 *                             via=trained_on` are the evaluations of models trained on it.
 *
 * A filter of its own rather than the run query language: entities have no parameters or
 * metrics to compare, and what is asked of them is a walk of the lineage graph.
 */
export interface EntityFilter {
  kinds?: EntityKind[];
  name?: string;
  version?: string;
  tags?: string[];
  /** Of evaluations: their task and their metric's name. */
  task?: string;
  metric?: string;
  upstream?: string;
  via?: EdgeKind;
}

const KEYS = ['kind', 'name', 'version', 'tag', 'task', 'metric', 'upstream', 'via'] as const;

export function parseEntityFilter(text: string): EntityFilter {
  const filter: EntityFilter = {};
  for (const term of text.split(/\s+/).filter(Boolean)) {
    const split = term.indexOf('=');
    const key = term.slice(0, split);
    const value = term.slice(split + 1);
    if (split <= 0 || !value)
      throw new EntityFilterError(`'${term}' is not a filter term: write key=value with a key of ${KEYS.join(', ')}`);
    switch (key) {
      case 'kind':
        filter.kinds = value.split(',').map((kind) => oneOf(kind, ENTITY_KINDS, 'kind'));
        break;
      case 'via':
        filter.via = oneOf(value, EDGE_KINDS, 'via');
        break;
      case 'tag':
        filter.tags = [...(filter.tags ?? []), value];
        break;
      case 'name':
      case 'version':
      case 'task':
      case 'metric':
      case 'upstream':
        filter[key] = value;
        break;
      default:
        throw new EntityFilterError(`unknown filter key '${key}' in '${term}': use ${KEYS.join(', ')}`);
    }
  }
  if (filter.via && !filter.upstream) throw new EntityFilterError("'via' says how entities come out of 'upstream': give upstream=REF too");
  return filter;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], key: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EntityFilterError(`${key}=${value}: ${key} is one of ${allowed.join(', ')}`);
}

/** The entities a filter selects, oldest first. */
export async function selectEntities(store: ProvenanceStore, filter: EntityFilter): Promise<EntityRecord[]> {
  const selector: EntitySelector = {
    ...(filter.kinds && { kinds: filter.kinds }),
    ...(filter.name !== undefined && { name: filter.name }),
    ...(filter.version !== undefined && { version: filter.version }),
    ...(filter.tags && { tags: filter.tags }),
  };
  if (filter.upstream !== undefined) selector.uids = await downstreamOf(store, filter.upstream, filter.via);
  const records = await store.findEntities(selector);
  return records.filter(
    ({ entity }) =>
      (filter.task === undefined || (entity.kind === 'evaluation' && entity.task === filter.task)) &&
      (filter.metric === undefined || (entity.kind === 'evaluation' && entity.metric.name === filter.metric)),
  );
}

/** The ids of what was made out of the entity `ref` names (not itself), its first step `via` when given. */
async function downstreamOf(store: ProvenanceStore, ref: string, via: EdgeKind | undefined): Promise<string[]> {
  const root = (await resolveEntity(store, ref)).uid;
  const firstStep = (await store.lineageEdges([root], 'downstream', 1)).filter((edge) => via === undefined || edge.edge === via);
  const starts = firstStep.map((edge) => edge.from);
  const further = await store.lineageEdges(starts, 'downstream');
  return [...new Set([...starts, ...further.map((edge) => edge.from)])];
}

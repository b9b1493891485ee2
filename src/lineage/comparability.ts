import type { EntityOf, EntityRecord, MetricDefinition } from '../domain/provenance.js';
import { canonicalJson } from '../spec/canonical-json.js';
import type { ProvenanceStore } from '../store/provenance-types.js';
import { entityLabel } from './entity-id.js';

/**
 * One result on a leaderboard: an evaluation, or the evaluations of one model on every fold
 * of a cross-validation split, averaged. Two results are comparable only when computed on
 * the same data (the same dataset hash; for folds, the same fold datasets) with the same
 * metric definition: `key` says both.
 */
export interface Result {
  evaluations: string[];
  /** `run`: the labbook run that trained it, when it was trained in one. */
  model: { uid: string; name: string; version: string | null; run?: number };
  metric: MetricDefinition;
  value: number;
  /** What it was computed on, for people: a dataset's label, or a fold set's. */
  on: string;
  /** Equal keys: comparable. */
  key: string;
  /** Of a fold set: how many of its folds were evaluated. */
  folds?: { set: string; evaluated: number; count: number };
  createdAt: number;
}

type Evaluation = EntityRecord & { entity: EntityOf<'evaluation'> };

/** The results of evaluations: fold evaluations of one model, one split and one metric become one result. */
export async function resultsOf(store: ProvenanceStore, records: readonly EntityRecord[]): Promise<Result[]> {
  const evaluations = records.filter((record): record is Evaluation => record.entity.kind === 'evaluation');
  const linked = await store.findEntities({ uids: [...new Set(evaluations.flatMap(({ entity }) => [entity.model, entity.dataset]))] });
  const runs = await store.findEntities({
    uids: [...new Set(linked.flatMap(({ entity }) => (entity.producedBy ? [entity.producedBy] : [])))],
  });
  const byUid = new Map([...linked, ...runs].map((record) => [record.uid, record]));
  const modelOf = (record: EntityRecord): Result['model'] => {
    const run = record.entity.producedBy ? byUid.get(record.entity.producedBy)?.entity : undefined;
    return { uid: record.uid, name: record.name, version: record.version, ...(run?.kind === 'training_run' && { run: run.run }) };
  };
  const single: Result[] = [];
  const foldGroups = new Map<string, Array<{ evaluation: Evaluation; dataset: EntityRecord & { entity: EntityOf<'dataset'> } }>>();
  for (const evaluation of evaluations) {
    const dataset = byUid.get(evaluation.entity.dataset) as (EntityRecord & { entity: EntityOf<'dataset'> }) | undefined;
    const model = byUid.get(evaluation.entity.model);
    if (!dataset || !model) continue;
    const fold = dataset.entity.fold;
    if (fold) {
      const group = `${model.uid}|${fold.set}|${fold.count}|${metricKey(evaluation.entity.metric)}`;
      foldGroups.set(group, [...(foldGroups.get(group) ?? []), { evaluation, dataset }]);
      continue;
    }
    single.push({
      evaluations: [evaluation.uid],
      model: modelOf(model),
      metric: evaluation.entity.metric,
      value: evaluation.entity.value,
      on: `${entityLabel(dataset)} (data ${dataset.entity.contentHash.slice(0, 12)})`,
      key: `${metricKey(evaluation.entity.metric)}|data:${dataset.entity.contentHash}`,
      createdAt: evaluation.createdAt,
    });
  }
  const folded = [...foldGroups.values()].map((group) => {
    const first = group[0] as (typeof group)[number];
    const fold = first.dataset.entity.fold as NonNullable<EntityOf<'dataset'>['fold']>;
    const byIndex = new Map(group.map((item) => [item.dataset.entity.fold?.index, item]));
    const hashes = [...byIndex.values()].map((item) => `${item.dataset.entity.fold?.index}:${item.dataset.entity.contentHash}`).sort();
    const values = [...byIndex.values()].map((item) => item.evaluation.entity.value);
    return {
      evaluations: group.map((item) => item.evaluation.uid),
      model: modelOf(byUid.get(first.evaluation.entity.model) as EntityRecord),
      metric: first.evaluation.entity.metric,
      value: values.reduce((sum, value) => sum + value, 0) / values.length,
      on: `${fold.count} folds of '${fold.set}'`,
      key: `${metricKey(first.evaluation.entity.metric)}|folds:${hashes.join(',')}`,
      folds: { set: fold.set, evaluated: byIndex.size, count: fold.count },
      createdAt: Math.min(...group.map((item) => item.evaluation.createdAt)),
    } satisfies Result;
  });
  return [...single, ...folded].sort((a, b) => a.createdAt - b.createdAt);
}

function metricKey(metric: MetricDefinition): string {
  return canonicalJson(metric);
}

/** Why `result` cannot be ranked beside `reference`; undefined when it can. */
export function whyIncomparable(result: Result, reference: Result): string | undefined {
  if (result.folds && result.folds.evaluated < result.folds.count)
    return `only ${result.folds.evaluated} of the ${result.folds.count} folds of '${result.folds.set}' were evaluated`;
  if (metricKey(result.metric) !== metricKey(reference.metric))
    return `metric '${result.metric.name}' is defined as ${describe(result.metric)} here, as ${describe(reference.metric)} on the board`;
  if (result.key !== reference.key) return `computed on ${result.on}, the board on ${reference.on}`;
  return undefined;
}

function describe(metric: MetricDefinition): string {
  return `${metric.definition} (${metric.higherIsBetter ? 'higher' : 'lower'} is better)`;
}

/** Whether `a` is better than `b` under their (shared) metric. */
export function better(a: Result, b: Result): boolean {
  return a.metric.higherIsBetter ? a.value > b.value : a.value < b.value;
}

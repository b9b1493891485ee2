import { z } from 'zod/v3';
import type { JsonValue } from '../spec/types.js';

/**
 * Provenance (Schelter et al., seeds/004): declarative metadata of what an experiment reads
 * and produces — datasets, transforms, models, training runs, predictions, evaluations —
 * never the data or the code itself, only pointers, hashes and the git commit. An entity is
 * written once: its id is the sha256 of its canonical JSON (src/lineage/entity-id.ts), so a
 * new version is a new entity, and a (kind, name, version) once taken keeps its content.
 * Links to other entities are fields holding their ids; lineage edges are derived from them
 * (edgesOf). These schemas parse what clients send; docs/provenance.md is generated from them.
 */

export const ENTITY_KINDS = ['dataset', 'transform', 'model', 'training_run', 'prediction', 'evaluation'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const EDGE_KINDS = ['derived_from', 'trained_on', 'evaluated_on', 'predicted_by', 'produced_by'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** Plain JSON with finite numbers, checked by hand: a recursive zod union took 4 ms for a dataset's statistics. */
function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(isJsonValue);
}

const jsonValue = z.custom<JsonValue>(isJsonValue, 'a JSON value with finite numbers').describe('any JSON value');
const jsonObject = z.record(jsonValue);

/** Annotations: free key/values added to an entity after it was written. */
export const annotationsSchema = jsonObject;

/** The id of an entity: the sha256 of its canonical JSON, in hex. */
export const entityUid = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an entity id is 64 lowercase hex digits')
  .describe('the id of another entity');

const common = {
  name: z.string().min(1).max(200),
  /** Absent: the entity is known by its id alone; present: (kind, name, version) names one content for good. */
  version: z.string().min(1).max(100).optional(),
  gitCommit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'a git commit is 7 to 64 lowercase hex digits')
    .optional()
    .describe('the commit of the code that produced it (the code itself is not stored)'),
  producedBy: entityUid.optional().describe('the training_run entity it came out of'),
};

const column = z.object({ name: z.string(), type: z.string() }).strict();

export const datasetSchema = z
  .object({
    kind: z.literal('dataset'),
    ...common,
    pointer: z.string().optional().describe('where the data is: a path or URI'),
    contentHash: z.string().min(1).describe('a hash of the data: two datasets with the same hash hold the same data'),
    columns: z.array(column).optional(),
    rows: z.number().int().nonnegative().optional(),
    shape: z.array(z.number().int().nonnegative()).optional(),
    stats: jsonObject.optional().describe('summary statistics per column, never the values'),
    derivedFrom: z.array(entityUid).optional(),
    fold: z
      .object({
        set: z.string().min(1).describe('names the cross-validation split the fold belongs to'),
        index: z.number().int().nonnegative(),
        count: z.number().int().positive(),
        part: z.enum(['train', 'test']),
      })
      .strict()
      .optional()
      .describe('a cross-validation fold of the dataset it derives from'),
  })
  .strict();

const transformNode = z.object({ id: z.string().min(1), step: z.string().min(1), params: jsonObject }).strict();

export const transformSchema = z
  .object({
    kind: z.literal('transform'),
    ...common,
    step: z.string().min(1).describe('the class of the outermost step, e.g. sklearn.pipeline.Pipeline'),
    params: jsonObject.describe('its own parameters, without those of the steps inside it'),
    graph: z
      .object({
        nodes: z.array(transformNode),
        edges: z.array(z.object({ from: z.string(), to: z.string() }).strict()),
      })
      .strict()
      .describe('the steps as a DAG: a Pipeline chains, a FeatureUnion or ColumnTransformer branches and joins'),
  })
  .strict();

export const modelSchema = z
  .object({
    kind: z.literal('model'),
    ...common,
    algorithm: z.string().min(1),
    algorithmVersion: z.string().optional(),
    hyperParameters: jsonObject,
    trainedOn: entityUid.describe('the dataset it was fitted on'),
    transform: entityUid.optional().describe('the transform (pipeline) it is the fitted form of'),
    pointer: z.string().optional().describe('where the serialized model is'),
    layout: jsonValue.optional().describe('a network layout: layers and parameter counts'),
  })
  .strict();

export const trainingRunSchema = z
  .object({
    kind: z.literal('training_run'),
    ...common,
    run: z.number().int().positive().describe('the labbook run (its metrics and environment are the mutable part)'),
    experiment: z.string().min(1),
  })
  .strict();

export const predictionSchema = z
  .object({
    kind: z.literal('prediction'),
    ...common,
    model: entityUid,
    dataset: entityUid.describe('the dataset predicted on'),
    pointer: z.string().optional(),
    columns: z.array(column).optional(),
  })
  .strict();

export const metricDefinition = z
  .object({
    name: z.string().min(1),
    definition: z.string().min(1).describe('what computes it, e.g. sklearn.metrics.accuracy_score'),
    higherIsBetter: z.boolean(),
  })
  .strict();
export type MetricDefinition = z.infer<typeof metricDefinition>;

export const evaluationSchema = z
  .object({
    kind: z.literal('evaluation'),
    ...common,
    task: z.string().min(1).optional().describe('what the leaderboards group evaluations by'),
    metric: metricDefinition,
    value: z.number().finite(),
    model: entityUid,
    dataset: entityUid.describe('the dataset it was computed on'),
    prediction: entityUid.optional(),
  })
  .strict();

export const entitySchema = z.discriminatedUnion('kind', [
  datasetSchema,
  transformSchema,
  modelSchema,
  trainingRunSchema,
  predictionSchema,
  evaluationSchema,
]);
export type Entity = z.infer<typeof entitySchema>;
export type EntityOf<K extends EntityKind> = Extract<Entity, { kind: K }>;

/** One typed link of the lineage graph: `from` is what was made out of `to`. */
export interface LineageEdge {
  from: string;
  edge: EdgeKind;
  to: string;
}

/** The lineage links an entity's fields make. */
export function edgesOf(entity: Entity): Array<{ edge: EdgeKind; to: string }> {
  const links: Array<{ edge: EdgeKind; to: string | undefined }> = [{ edge: 'produced_by', to: entity.producedBy }];
  switch (entity.kind) {
    case 'dataset':
      links.push(...(entity.derivedFrom ?? []).map((to) => ({ edge: 'derived_from' as const, to })));
      break;
    case 'model':
      links.push({ edge: 'trained_on', to: entity.trainedOn }, { edge: 'derived_from', to: entity.transform });
      break;
    case 'prediction':
      links.push({ edge: 'predicted_by', to: entity.model }, { edge: 'derived_from', to: entity.dataset });
      break;
    case 'evaluation':
      links.push(
        { edge: 'predicted_by', to: entity.model },
        { edge: 'evaluated_on', to: entity.dataset },
        { edge: 'derived_from', to: entity.prediction },
      );
      break;
  }
  return links.filter((link): link is { edge: EdgeKind; to: string } => link.to !== undefined);
}

/** An entity as stored: its content, and what was added to it later. */
export interface EntityRecord {
  uid: string;
  kind: EntityKind;
  name: string;
  version: string | null;
  entity: Entity;
  createdAt: number;
  /** Free key/values added after it was written; a key once set keeps its value. */
  annotations: Record<string, JsonValue>;
  tags: string[];
}

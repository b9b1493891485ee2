import { z } from 'zod/v3';
import { annotationsSchema, entitySchema } from '../../domain/provenance.js';
import {
  leaderboard,
  lineageGraph,
  newEntity,
  parseEntityFilter,
  parseTolerance,
  regress,
  resolveEntity,
  selectEntities,
} from '../../lineage/index.js';
import { type Handler, handler } from '../handler.js';

const filterText = z.string().default('').describe("an entity filter: 'kind=evaluation upstream=dataset:digits via=trained_on'");

/**
 * Provenance requests (docs/protocol.md, "Provenance"): write entities, read them and their
 * lineage, annotate them, rank and check evaluations. Filters and references are parsed here,
 * at the edge, as the CLI parses its own.
 */
export const PROVENANCE_HANDLERS = {
  /** Writes entities in order (one may link to one before it); answers each one's id and whether it is new. */
  recordEntities: handler(
    z.object({ entities: z.array(entitySchema).min(1).max(10_000) }).strict(),
    ({ entities }, { engine }) => engine.store.recordEntities(entities.map(newEntity), engine.clock.now()),
    { writes: true },
  ),

  /** The entities a filter selects, oldest first. */
  findEntities: handler(z.object({ filter: filterText }).strict(), async ({ filter }, { engine }) =>
    selectEntities(engine.store, parseEntityFilter(filter)),
  ),

  /** One entity, by id prefix or kind:name[@version]. */
  getEntity: handler(z.object({ ref: z.string().min(1) }).strict(), ({ ref }, { engine }) => resolveEntity(engine.store, ref)),

  /** The lineage subgraph of an entity: what it was made of (upstream) or what was made of it. */
  getLineage: handler(
    z
      .object({
        ref: z.string().min(1),
        direction: z.enum(['upstream', 'downstream']).default('upstream'),
        depth: z.number().int().positive().optional(),
      })
      .strict(),
    async ({ ref, direction, depth }, { engine }) =>
      lineageGraph(engine.store, (await resolveEntity(engine.store, ref)).uid, direction, depth),
  ),

  /** Adds annotations (a key keeps its first value) and tags to an entity. */
  annotateEntity: handler(
    z.object({ ref: z.string().min(1), annotations: annotationsSchema.default({}), tags: z.array(z.string().min(1)).default([]) }).strict(),
    async ({ ref, annotations, tags }, { engine }) => {
      const { uid } = await resolveEntity(engine.store, ref);
      return engine.store.annotateEntity(uid, annotations, tags, engine.clock.now());
    },
    { writes: true },
  ),

  /** The comparable results of the selected evaluations, ranked, and the incomparable ones with their reason. */
  leaderboard: handler(z.object({ filter: filterText, dataset: z.string().optional() }).strict(), ({ filter, dataset }, { engine }) =>
    leaderboard(engine.store, parseEntityFilter(filter), dataset),
  ),

  /** The candidate's evaluations of `metric` against the best comparable baselines; `regressions` counts the worse ones. */
  regress: handler(
    z.object({ baseline: z.string(), candidate: z.string(), metric: z.string().min(1), tolerance: z.string().default('0') }).strict(),
    ({ baseline, candidate, metric, tolerance }, { engine }) =>
      regress(engine.store, {
        baseline: parseEntityFilter(baseline),
        candidate: parseEntityFilter(candidate),
        metric,
        tolerance: parseTolerance(tolerance),
      }),
  ),
} satisfies Record<string, Handler<unknown>>;

/**
 * Search over parameter spaces: spaces and their validation, a seeded generator, samplers
 * (grid, random, TPE, NSGA-II) and pruners (median, successive halving, Hyperband, ASHA), all
 * pure functions of a study's history (docs/search.md). The store, the engine and the CLI
 * call these; nothing here reads or writes anything.
 */
export { paretoFront } from './pareto.js';
export { AshaPruner } from './pruners/asha-pruner.js';
export { type HyperbandOptions, HyperbandPruner } from './pruners/hyperband-pruner.js';
export { type MedianOptions, MedianPruner } from './pruners/median-pruner.js';
export type { RungSchedule } from './pruners/rungs.js';
export { type SuccessiveHalvingOptions, SuccessiveHalvingPruner } from './pruners/successive-halving-pruner.js';
export { Rng } from './rng.js';
export { GridSampler } from './samplers/grid-sampler.js';
export { type Nsga2Options, Nsga2Sampler } from './samplers/nsga2-sampler.js';
export { RandomSampler } from './samplers/random-sampler.js';
export { type TpeOptions, TpeSampler } from './samplers/tpe/tpe-sampler.js';
export { defineSearchSpace, parseSearchSpace } from './space-schema.js';
export type * from './types.js';

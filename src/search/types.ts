import type { Rng } from './rng.js';

/** A value a searched parameter takes: a number, or one of a categorical parameter's choices. */
export type ParamValue = string | number | boolean;

/** One trial's assignment: the parameters that were active for it, by name. */
export type TrialParams = Readonly<Record<string, ParamValue>>;

/** The distribution a parameter is drawn from (see docs/search.md for the YAML form). */
export type Distribution =
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number; readonly step?: number }
  | { readonly kind: 'loguniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly step: number }
  | { readonly kind: 'intlog'; readonly low: number; readonly high: number }
  | { readonly kind: 'categorical'; readonly choices: readonly ParamValue[] };

export type DistributionKind = Distribution['kind'];

/**
 * One parameter of a search space. With `when`, it is active only where every named parameter
 * (declared above it) took one of the listed values: `gamma` only when `kernel` is `rbf`.
 */
export interface SearchParameter {
  readonly name: string;
  readonly distribution: Distribution;
  readonly when?: Readonly<Record<string, readonly ParamValue[]>>;
}

/** Parameters in declaration order: a condition only names parameters above it. */
export interface SearchSpace {
  readonly parameters: readonly SearchParameter[];
}

export type Direction = 'minimize' | 'maximize';

/**
 * RUNNING: asked, not told yet (its parameters are known, its value is not). COMPLETE: told
 * with a value per objective. PRUNED: stopped by a pruner after some intermediate values.
 * FAILED: told as failed; it says nothing about its parameters' quality.
 */
export type TrialState = 'RUNNING' | 'COMPLETE' | 'PRUNED' | 'FAILED';

export interface IntermediateValue {
  readonly step: number;
  readonly value: number;
}

export interface Trial {
  /** 0, 1, 2, … in the order the trials were asked. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: TrialParams;
  /** One per objective, for a COMPLETE trial. */
  readonly values?: readonly number[];
  /** The values reported while it ran, by ascending step. */
  readonly intermediate?: readonly IntermediateValue[];
}

/** What a sampler or pruner knows of a study: its objectives' directions and every trial so far. */
export interface StudyHistory {
  readonly directions: readonly Direction[];
  readonly trials: readonly Trial[];
}

export interface Sampler {
  /**
   * The parameters of the next trial, drawn with `rng` given what `history` shows; undefined
   * when there is nothing left to try (a grid that every trial has visited). The same space,
   * history and generator state give the same parameters.
   */
  ask(space: SearchSpace, history: StudyHistory, rng: Rng): TrialParams | undefined;
}

export interface Pruner {
  /**
   * Whether `trial` should stop now that it reported `value` at `step`. `trial.intermediate`
   * holds its earlier reports (a report at `step` itself is ignored); `history` may include
   * `trial` too, which is ignored by number.
   */
  shouldPrune(trial: Trial, step: number, value: number, history: StudyHistory): boolean;
}

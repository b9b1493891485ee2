import { UsageError } from '../errors.js';
import type { ProvenanceStore } from '../store/provenance-types.js';
import { better, type Result, resultsOf } from './comparability.js';
import { type EntityFilter, selectEntities } from './entity-filter.js';

/** How much worse than its baseline a candidate may be: an amount of the metric, or a percentage of the baseline. */
export type Tolerance = { absolute: number } | { percent: number };

export function parseTolerance(text: string): Tolerance {
  const match = /^\s*(\d+(?:\.\d+)?(?:e-?\d+)?)\s*(%?)\s*$/i.exec(text);
  if (!match) throw new UsageError(`--tolerance ${text}: give a non-negative number (0.01) or a percentage of the baseline (1%)`);
  const amount = Number(match[1]);
  return match[2] ? { percent: amount } : { absolute: amount };
}

export interface RegressCheck {
  candidate: Result;
  /** The best comparable baseline; absent when there is none (nothing to compare with). */
  baseline?: Result;
  /** How much worse the candidate is (negative: better), in the metric's units. */
  worseBy?: number;
  regressed: boolean;
}

export interface RegressReport {
  metric: string;
  checks: RegressCheck[];
  regressions: number;
}

/**
 * Compares each candidate result (evaluations of `metric` the candidate filter selects) with
 * the best comparable baseline result: a regression is a candidate worse than it by more
 * than the tolerance. Refused when no candidate has a comparable baseline: a check that
 * checks nothing must not pass.
 */
export async function regress(
  store: ProvenanceStore,
  request: { baseline: EntityFilter; candidate: EntityFilter; metric: string; tolerance: Tolerance },
): Promise<RegressReport> {
  const select = async (filter: EntityFilter) =>
    resultsOf(store, await selectEntities(store, { ...filter, kinds: ['evaluation'], metric: request.metric }));
  const [baselines, candidates] = [await select(request.baseline), await select(request.candidate)];
  const candidateIds = new Set(candidates.flatMap((result) => result.evaluations));
  const history = baselines.filter((result) => !result.evaluations.some((uid) => candidateIds.has(uid)));
  if (candidates.length === 0) throw new UsageError(`the candidate selects no evaluation of metric '${request.metric}'`);
  const checks = candidates.map((candidate): RegressCheck => {
    const comparable = history.filter((result) => result.key === candidate.key);
    const baseline = comparable.reduce<Result | undefined>((best, result) => (!best || better(result, best) ? result : best), undefined);
    if (!baseline) return { candidate, regressed: false };
    const worseBy = candidate.metric.higherIsBetter ? baseline.value - candidate.value : candidate.value - baseline.value;
    const allowed =
      'absolute' in request.tolerance ? request.tolerance.absolute : (Math.abs(baseline.value) * request.tolerance.percent) / 100;
    return { candidate, baseline, worseBy, regressed: worseBy > allowed };
  });
  if (!checks.some((check) => check.baseline))
    throw new UsageError(
      `no candidate evaluation of '${request.metric}' has a comparable baseline (the same dataset and metric definition); check the --baseline selection`,
    );
  return { metric: request.metric, checks, regressions: checks.filter((check) => check.regressed).length };
}

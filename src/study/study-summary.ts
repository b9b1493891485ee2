import type { StudyRecord, TrialRecord } from '../domain/study.js';
import { paretoFront } from '../search/index.js';
import { toLoss } from '../search/objective.js';
import type { ParamValue, SearchSpace } from '../search/types.js';

/** How many bins a numeric parameter's values are cut into for its importance. */
const IMPORTANCE_BINS = 8;

export interface StudySummary {
  counts: Record<TrialRecord['state'], number>;
  /** The best COMPLETE trial of a single-objective study. */
  best?: TrialRecord;
  /** The COMPLETE trials no other dominates (every objective), by number. */
  pareto: TrialRecord[];
  /** Per parameter, its share of the first objective's variance, largest first (docs/studies.md). */
  importance: Array<{ parameter: string; importance: number }>;
}

/** How many trials are in each state. */
export function countStates(trials: readonly TrialRecord[]): StudySummary['counts'] {
  const counts = { RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAILED: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}

export function summarizeStudy(study: StudyRecord, space: SearchSpace, trials: readonly TrialRecord[]): StudySummary {
  const counts = countStates(trials);
  const history = { directions: study.directions, trials };
  const pareto = paretoFront(history) as TrialRecord[];
  const direction = study.directions[0] ?? 'minimize';
  const complete = trials.filter((t) => t.state === 'COMPLETE' && Number.isFinite(t.values?.[0]));
  const best =
    study.directions.length === 1
      ? complete.reduce<TrialRecord | undefined>(
          (champion, t) => (!champion || toLoss(t.values?.[0], direction) < toLoss(champion.values?.[0], direction) ? t : champion),
          undefined,
        )
      : undefined;
  return { counts, ...(best && { best }), pareto, importance: parameterImportance(space, complete) };
}

/**
 * A first-order, fANOVA-like importance: for each parameter, the share of the variance of the
 * first objective (over the COMPLETE trials) that the parameter's value explains on its own —
 * the between-group variance when the trials are grouped by the parameter's value (numbers cut
 * into up to 8 bins of equal counts, so the scale does not matter; a trial where it is inactive
 * is a group of its own) over the total variance (the correlation ratio η²). The shares are
 * normalised to sum to 1. Interactions are not credited; with few trials, every parameter
 * explains some variance by chance.
 */
export function parameterImportance(space: SearchSpace, trials: readonly TrialRecord[]): Array<{ parameter: string; importance: number }> {
  const values = trials.map((t) => t.values?.[0] as number);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const total = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  if (trials.length < 2 || total === 0) return space.parameters.map((p) => ({ parameter: p.name, importance: 0 }));
  const raw = space.parameters.map((parameter) => {
    const groups = new Map<string, number[]>();
    const keys = groupKeys(trials.map((t) => t.params[parameter.name]));
    keys.forEach((key, i) => {
      const group = groups.get(key) ?? [];
      group.push(values[i] as number);
      groups.set(key, group);
    });
    let between = 0;
    for (const group of groups.values()) {
      const groupMean = group.reduce((a, b) => a + b, 0) / group.length;
      between += group.length * (groupMean - mean) ** 2;
    }
    return { parameter: parameter.name, share: between / total };
  });
  const sum = raw.reduce((a, r) => a + r.share, 0) || 1;
  return raw.map((r) => ({ parameter: r.parameter, importance: r.share / sum })).sort((a, b) => b.importance - a.importance);
}

/** The group of each value: numbers by equal-count bin, anything else as itself, absent as its own. */
function groupKeys(values: ReadonlyArray<ParamValue | undefined>): string[] {
  const numbers = values.filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  const distinct = new Set(numbers).size;
  const bins = Math.min(IMPORTANCE_BINS, distinct);
  const edges = Array.from({ length: bins - 1 }, (_, k) => numbers[Math.floor(((k + 1) * numbers.length) / bins)] as number);
  return values.map((v) => {
    if (v === undefined) return 'inactive';
    if (typeof v !== 'number' || distinct <= IMPORTANCE_BINS) return JSON.stringify(v);
    return `bin ${edges.filter((edge) => v >= edge).length}`;
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { AshaPruner } from '../../../src/search/pruners/asha-pruner.js';
import { HyperbandPruner } from '../../../src/search/pruners/hyperband-pruner.js';
import { MedianPruner } from '../../../src/search/pruners/median-pruner.js';
import { SuccessiveHalvingPruner } from '../../../src/search/pruners/successive-halving-pruner.js';
import type { Direction, StudyHistory, Trial, TrialState } from '../../../src/search/types.js';

/** A trial that reported `curve[i]` at step i (or at the steps given as [step, value] pairs). */
function trial(number: number, state: TrialState, curve: Array<number | [number, number]>): Trial {
  const intermediate = curve.map((point, i) => (Array.isArray(point) ? { step: point[0], value: point[1] } : { step: i, value: point }));
  return { number, state, params: {}, intermediate, ...(state === 'COMPLETE' && { values: [intermediate.at(-1)?.value ?? 0] }) };
}

const study = (trials: Trial[], direction: Direction = 'minimize'): StudyHistory => ({ directions: [direction], trials });

/** Five COMPLETE trials whose values at step 2 are 1, 2, 3, 4 and 5 (median 3). */
const five = [1, 2, 3, 4, 5].map((v, n) => trial(n, 'COMPLETE', [v + 4, v + 2, v, v - 1]));

test('median: a trial whose best so far is worse than the median at its step stops; a better one goes on', () => {
  const pruner = new MedianPruner();
  const running = trial(9, 'RUNNING', [6, 4]);
  assert.equal(pruner.shouldPrune(running, 2, 3.5, study(five)), true);
  assert.equal(pruner.shouldPrune(running, 2, 2.5, study(five)), false);
  // Its best so far counts, not its latest value.
  assert.equal(pruner.shouldPrune(trial(9, 'RUNNING', [6, 2.9]), 2, 10, study(five)), false);
  // Maximising, the same curves read the other way round.
  assert.equal(pruner.shouldPrune(running, 2, 3.5, study(five, 'maximize')), false);
  assert.equal(pruner.shouldPrune(trial(9, 'RUNNING', [1, 1]), 2, 2.5, study(five, 'maximize')), true);
});

test('median: no verdict before 5 COMPLETE trials, in the warm-up, between intervals, or at a step nobody reported', () => {
  const bad = trial(9, 'RUNNING', [50, 50]);
  const others = [trial(7, 'PRUNED', [0, 0, 0]), trial(8, 'RUNNING', [0, 0, 0])];
  assert.equal(new MedianPruner().shouldPrune(bad, 2, 50, study([...five.slice(0, 4), ...others])), false);
  assert.equal(new MedianPruner({ nStartupTrials: 4 }).shouldPrune(bad, 2, 50, study([...five.slice(0, 4), ...others])), true);
  assert.equal(new MedianPruner({ nWarmupSteps: 3 }).shouldPrune(bad, 2, 50, study(five)), false);
  // Intervals of 2 from step 0: judged at 0, 2, 4; a report at 3 after one at 2 is not judged.
  const everyOther = new MedianPruner({ intervalSteps: 2 });
  assert.equal(everyOther.shouldPrune(trial(9, 'RUNNING', [50, 50, 50]), 3, 50, study(five)), false);
  assert.equal(everyOther.shouldPrune(trial(9, 'RUNNING', [[1, 50]]), 3, 50, study(five)), true);
  assert.equal(new MedianPruner().shouldPrune(bad, 7, 50, study(five)), false);
});

test('median: a trial that reported only NaN stops; NaN in the others is ignored', () => {
  assert.equal(new MedianPruner().shouldPrune(trial(9, 'RUNNING', [Number.NaN]), 1, Number.NaN, study(five)), true);
  const withNaN = [...five, trial(5, 'COMPLETE', [0, 0, Number.NaN])];
  assert.equal(new MedianPruner().shouldPrune(trial(9, 'RUNNING', []), 2, 3.2, study(withNaN)), true);
});

/** Trials 0-4 reported 1..5 at step 1 (ASHA's first rung) and then went on or were pruned. */
const rung0 = [
  trial(0, 'COMPLETE', [9, 1, 0.5, 0.4]),
  trial(1, 'PRUNED', [9, 2]),
  trial(2, 'RUNNING', [9, 3, 2.5]),
  trial(3, 'FAILED', [9, 4]),
  trial(4, 'PRUNED', [9, 5]),
];

test('asha: at a rung a trial goes on only among the best 1/η of all that reached it, whatever became of them', () => {
  const asha = new AshaPruner({ reductionFactor: 3 });
  const newcomer = trial(5, 'RUNNING', [9]);
  // Six values at rung step 1; the best 2 go on: 1 and the newcomer's 1.5.
  assert.equal(asha.shouldPrune(newcomer, 1, 1.5, study(rung0)), false);
  assert.equal(asha.shouldPrune(newcomer, 1, 2.5, study(rung0)), true);
  assert.equal(asha.shouldPrune(newcomer, 1, 1.5, study(rung0, 'maximize')), true);
  // The first trial at a rung always goes on.
  assert.equal(asha.shouldPrune(newcomer, 1, 100, study([])), false);
});

test('asha: judged once per rung, when the trial first reports at or past it; a skipped rung is judged with that value', () => {
  const asha = new AshaPruner({ reductionFactor: 3 });
  const passed = trial(5, 'RUNNING', [9, 1.5]);
  // Already judged at step 1; step 2 is below the next rung (3).
  assert.equal(asha.shouldPrune(passed, 2, 100, study(rung0)), false);
  // First report at step 3 crosses rung 1 (step 1) and rung 3 at once: at rung 1 the value 1.5 is fine;
  // at rung 3 only trial 0 recorded (0.4), and 0.45 is not the single best of two.
  const skipper = trial(6, 'RUNNING', [[0, 9]]);
  assert.equal(asha.shouldPrune(skipper, 3, 0.45, study(rung0)), true);
  assert.equal(asha.shouldPrune(skipper, 3, 0.35, study(rung0)), false);
  // A competitor's value at a rung is its first report at or past it: trial 2's 2.5 at step 2 for rung 3 would
  // need a report at step >= 3, so only trial 0 counts there.
  assert.equal(asha.shouldPrune(trial(6, 'RUNNING', [9, 1, 1]), 3, Number.NaN, study(rung0)), true);
});

test('asha: the history may hold the trial itself; its stale reports are not a competitor', () => {
  const asha = new AshaPruner({ reductionFactor: 3 });
  const self = trial(5, 'RUNNING', [9]);
  assert.equal(asha.shouldPrune(self, 1, 1.5, study([...rung0, trial(5, 'RUNNING', [9, 0.1])])), false);
});

test('successive halving: a trial competes with its own cohort only', () => {
  const sh = new SuccessiveHalvingPruner({ maxResource: 27, cohortSize: 3 });
  const history = study([
    trial(0, 'COMPLETE', [0, 0.1]),
    trial(1, 'COMPLETE', [0, 0.2]),
    trial(2, 'COMPLETE', [0, 0.3]),
    trial(3, 'PRUNED', [0, 5]),
  ]);
  // Trial 4 is in cohort 1 with trial 3 (and 5): better than 3, it goes on, though cohort 0 did far better.
  assert.equal(sh.shouldPrune(trial(4, 'RUNNING', [0]), 1, 4, history), false);
  assert.equal(sh.shouldPrune(trial(4, 'RUNNING', [0]), 1, 6, history), true);
  assert.equal(new AshaPruner({ reductionFactor: 3 }).shouldPrune(trial(4, 'RUNNING', [0]), 1, 4, history), true);
});

test('successive halving: rungs at 1, 3, 9 below maxResource 27, and cohorts of η^s_max = 27 by default', () => {
  const sh = new SuccessiveHalvingPruner({ maxResource: 27 });
  assert.equal(sh.cohortSize, 27);
  const leader = trial(
    0,
    'COMPLETE',
    Array.from({ length: 28 }, () => 0),
  );
  const laggard = trial(
    1,
    'RUNNING',
    Array.from({ length: 27 }, () => 1),
  );
  // At 27, the trial has run its course: no rung there.
  assert.equal(sh.shouldPrune(laggard, 27, 1, study([leader])), false);
  assert.equal(
    sh.shouldPrune(
      trial(
        1,
        'RUNNING',
        Array.from({ length: 9 }, () => 1),
      ),
      9,
      1,
      study([leader]),
    ),
    true,
  );
});

test('hyperband: brackets of 27, 12, 6 and 4 trials per iteration, judging from steps 1, 3, 9 and never', () => {
  const hyperband = new HyperbandPruner({ maxResource: 27 });
  assert.deepEqual(
    hyperband.brackets.map((b) => b.size),
    [27, 12, 6, 4],
  );
  assert.deepEqual(
    [0, 26, 27, 38, 39, 45, 48, 49, 76].map((n) => hyperband.placeOf(n)),
    [
      { iteration: 0, bracket: 0 },
      { iteration: 0, bracket: 0 },
      { iteration: 0, bracket: 1 },
      { iteration: 0, bracket: 1 },
      { iteration: 0, bracket: 2 },
      { iteration: 0, bracket: 3 },
      { iteration: 0, bracket: 3 },
      { iteration: 1, bracket: 0 },
      { iteration: 1, bracket: 1 },
    ],
  );
  const good = (n: number) =>
    trial(
      n,
      'COMPLETE',
      Array.from({ length: 28 }, () => 0),
    );
  const history = study([good(0), good(27), good(39), good(45)]);
  const bad = (n: number, steps: number) =>
    trial(
      n,
      'RUNNING',
      Array.from({ length: steps }, () => 1),
    );
  assert.equal(hyperband.shouldPrune(bad(1, 1), 1, 1, history), true, 'bracket 0 judges at step 1');
  assert.equal(hyperband.shouldPrune(bad(28, 1), 1, 1, history), false, 'bracket 1 does not judge at step 1');
  assert.equal(hyperband.shouldPrune(bad(28, 3), 3, 1, history), true, 'bracket 1 judges at step 3');
  assert.equal(hyperband.shouldPrune(bad(46, 26), 26, 1, history), false, 'bracket 3 never judges');
  // Trial 50 is bracket 0 of iteration 1: trial 0, of iteration 0, is no competitor.
  assert.equal(hyperband.shouldPrune(bad(50, 1), 1, 1, history), false);
});

test('pruners need one objective and sensible options', () => {
  const two: StudyHistory = { directions: ['minimize', 'minimize'], trials: [] };
  for (const pruner of [
    new MedianPruner(),
    new AshaPruner(),
    new SuccessiveHalvingPruner({ maxResource: 9 }),
    new HyperbandPruner({ maxResource: 9 }),
  ]) {
    assert.throws(
      () => pruner.shouldPrune(trial(0, 'RUNNING', []), 1, 1, two),
      (e: unknown) => e instanceof UsageError && /works on one objective/.test(e.message),
    );
  }
  assert.throws(() => new AshaPruner({ reductionFactor: 1 }), /the asha pruner: reductionFactor must be a whole number >= 2, got 1/);
  assert.throws(() => new HyperbandPruner({ maxResource: 1 }), /the hyperband pruner: maxResource must be a whole number >= 2, got 1/);
  assert.throws(() => new SuccessiveHalvingPruner({ maxResource: 9, cohortSize: 0 }), /cohortSize must be a whole number >= 1/);
  assert.throws(() => new MedianPruner({ intervalSteps: 0 }), /the median pruner: intervalSteps must be a whole number >= 1, got 0/);
});

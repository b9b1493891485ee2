/**
 * Pruning on a synthetic learning-curve task, in memory: 100 random configurations (the same
 * with and without a pruner, since random search ignores the history), each trained for up to
 * 81 steps on a curve that converges, at a speed of its own, to a final loss that depends on
 * its parameters; 10 seeds. For each pruner: the mean share of the steps it spent, and in how
 * many seeds it found the best final loss of the unpruned study (and how far it missed it at
 * worst). Issue 18's target for ASHA: the same best value at <= 40% of
 * the steps. Two tasks: `adversarial`, where slow configurations (speeds 0.02 to 0.5) look
 * bad for long and some end best, and `steady`, where the curves do not cross (each is its
 * final loss scaled by one decaying factor), so that only the noise can rank configurations
 * otherwise early than at the end.
 */
import { AshaPruner } from '../src/search/pruners/asha-pruner.js';
import { HyperbandPruner } from '../src/search/pruners/hyperband-pruner.js';
import { MedianPruner } from '../src/search/pruners/median-pruner.js';
import { SuccessiveHalvingPruner } from '../src/search/pruners/successive-halving-pruner.js';
import { Rng } from '../src/search/rng.js';
import { RandomSampler } from '../src/search/samplers/random-sampler.js';
import { defineSearchSpace } from '../src/search/space-schema.js';
import type { IntermediateValue, Pruner, SearchSpace, Trial, TrialParams } from '../src/search/types.js';
import { report } from './report.js';

const TRIALS = 100;
const STEPS = 81;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
interface Task {
  space: SearchSpace;
  loss: (params: TrialParams, step: number, noise: Rng) => number;
}

const finalLoss = (params: TrialParams) => ((params.x as number) - 0.3) ** 2 + 2 * ((params.y as number) - 0.7) ** 2 + 0.05;
const jitter = (noise: Rng) => 0.002 * (noise.nextFloat() - 0.5);

/**
 * The loss after `step` steps: it reaches `final` at the last step, from far above it early on
 * when the speed is low, so that a slow configuration with a good final loss looks bad at first.
 */
function adversarialLoss(params: TrialParams, step: number, noise: Rng): number {
  const speed = params.speed as number;
  return finalLoss(params) + 1 / (1 + speed * step) - 1 / (1 + speed * STEPS) + jitter(noise);
}

/** The loss after `step` steps of a curve that keeps its rank: the final loss times a factor that decays to 1. */
function steadyLoss(params: TrialParams, step: number, noise: Rng): number {
  const final = finalLoss(params);
  return final + (final + 0.5) * (1 / (1 + 0.3 * step) - 1 / (1 + 0.3 * STEPS)) + jitter(noise);
}

const TASKS: Record<string, Task> = {
  adversarial: {
    space: defineSearchSpace({ x: { uniform: [0, 1] }, y: { uniform: [0, 1] }, speed: { loguniform: [0.02, 0.5] } }),
    loss: adversarialLoss,
  },
  steady: { space: defineSearchSpace({ x: { uniform: [0, 1] }, y: { uniform: [0, 1] } }), loss: steadyLoss },
};

/** Runs the study; returns the best final loss of the COMPLETE trials and the steps spent. */
function study({ space, loss }: Task, pruner: Pruner | undefined, seed: number): { best: number; steps: number } {
  const sampler = new RandomSampler();
  const trials: Trial[] = [];
  let steps = 0;
  for (let number = 0; number < TRIALS; number++) {
    const params = sampler.ask(space, { directions: ['minimize'], trials }, new Rng(seed, number));
    const noise = new Rng(seed + 1000, number);
    const intermediate: IntermediateValue[] = [];
    let state: Trial['state'] = 'COMPLETE';
    for (let step = 1; step <= STEPS; step++) {
      const value = loss(params, step, noise);
      steps++;
      const running: Trial = { number, state: 'RUNNING', params, intermediate };
      const prune = pruner?.shouldPrune(running, step, value, { directions: ['minimize'], trials }) ?? false;
      intermediate.push({ step, value });
      if (prune) {
        state = 'PRUNED';
        break;
      }
    }
    trials.push({ number, state, params, intermediate, ...(state === 'COMPLETE' && { values: [intermediate.at(-1)?.value as number] }) });
  }
  const finals = trials.filter((t) => t.state === 'COMPLETE').map((t) => t.values?.[0] as number);
  return { best: Math.min(...finals), steps };
}

const pruners: Array<[string, () => Pruner, string]> = [
  ['asha', () => new AshaPruner(), 'reported'],
  ['asha_min_resource_9', () => new AshaPruner({ minResource: 9 }), 'reported'],
  ['median', () => new MedianPruner(), 'reported'],
  ['successive_halving', () => new SuccessiveHalvingPruner({ maxResource: STEPS }), 'reported'],
  ['hyperband', () => new HyperbandPruner({ maxResource: STEPS }), 'reported'],
];
for (const [task, setup] of Object.entries(TASKS)) {
  const unpruned = SEEDS.map((seed) => study(setup, undefined, seed));
  for (const [name, make, target] of pruners) {
    const pruned = SEEDS.map((seed) => study(setup, make(), seed));
    const shares = pruned.map((p, i) => p.steps / (unpruned[i] as { steps: number }).steps);
    report({
      // The adversarial task's figures keep their names from before the steady task was added.
      name: `search_pruning_${task === 'adversarial' ? '' : `${task}_`}${name}_share_of_steps_${TRIALS}_trials`,
      value: 100 * (shares.reduce((a, b) => a + b, 0) / shares.length),
      unit: '%',
      sameBest: `${pruned.filter((p, i) => p.best === unpruned[i]?.best).length} of ${SEEDS.length} seeds`,
      worstBestGap: Math.max(...pruned.map((p, i) => p.best - (unpruned[i]?.best as number))),
      baselineLabel: 'no pruning: every trial runs its 81 steps',
      target: task === 'steady' && name === 'asha' ? 'the same best value in 10 of 10 seeds at <= 40% of the steps' : target,
    });
  }
}

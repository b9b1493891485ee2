import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branin } from '../../../bench/search-problems.js';
import { UsageError } from '../../../src/errors.js';
import { Rng } from '../../../src/search/rng.js';
import { RandomSampler } from '../../../src/search/samplers/random-sampler.js';
import { splitTrials } from '../../../src/search/samplers/tpe/split-trials.js';
import { TpeSampler } from '../../../src/search/samplers/tpe/tpe-sampler.js';
import { contains, isActive } from '../../../src/search/space.js';
import { defineSearchSpace } from '../../../src/search/space-schema.js';
import type { StudyHistory, Trial, TrialParams, TrialState } from '../../../src/search/types.js';
import { median, runStudy } from './study-loop.js';

const braninSpace = defineSearchSpace(branin.search);
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

const bestOf = (trials: Trial[]) => Math.min(...trials.map((t) => t.values?.[0] as number));

test('TPE beats random search on Branin: median best of 100 trials over 10 seeds', () => {
  const best = (sampler: TpeSampler | RandomSampler) =>
    median(SEEDS.map((seed) => bestOf(runStudy(sampler, braninSpace, branin.objective, { seed, count: 100 }))));
  const tpe = best(new TpeSampler());
  const random = best(new RandomSampler());
  assert.ok(tpe < random, `tpe ${tpe} vs random ${random}`);
  assert.ok(tpe - branin.minimum < 0.1, `tpe ${tpe} is within 0.1 of the minimum`);
  const univariate = best(new TpeSampler({ multivariate: false }));
  assert.ok(univariate < random, `univariate tpe ${univariate} vs random ${random}`);
});

test('the same seed and history give the same study; maximising -f is minimising f', () => {
  const study = () => runStudy(new TpeSampler(), braninSpace, branin.objective, { seed: 3, count: 30 });
  assert.deepEqual(study(), study());
  const maximised = runStudy(new TpeSampler(), braninSpace, (p) => -branin.objective(p), { seed: 3, count: 30, directions: ['maximize'] });
  assert.deepEqual(
    maximised.map((t) => t.params),
    study().map((t) => t.params),
  );
});

test('the first 10 trials are the random sampler’s', () => {
  const tpe = runStudy(new TpeSampler(), braninSpace, branin.objective, { seed: 8, count: 12 });
  const random = runStudy(new RandomSampler(), braninSpace, branin.objective, { seed: 8, count: 12 });
  assert.deepEqual(
    tpe.slice(0, 10).map((t) => t.params),
    random.slice(0, 10).map((t) => t.params),
  );
  assert.notDeepEqual(tpe[10]?.params, random[10]?.params);
});

/** A history of `states`, trial n at x = n, y = 2n, with value n. */
function history(states: TrialState[]): StudyHistory {
  return {
    directions: ['minimize'],
    trials: states.map((state, number) => ({
      number,
      state,
      params: { x: number - 5, y: 2 * number },
      ...(state === 'COMPLETE' && { values: [number] }),
      ...(state === 'PRUNED' && { intermediate: [{ step: 1, value: number }] }),
    })),
  };
}

const ask = (sampler: TpeSampler, h: StudyHistory, stream = 99) => sampler.ask(braninSpace, h, new Rng(1, stream));

test('FAILED trials are ignored: they neither end the start-up nor shape the densities', () => {
  const complete = Array<TrialState>(12).fill('COMPLETE');
  const withFailures = history([...complete, 'FAILED', 'FAILED', 'FAILED']);
  const without = { ...withFailures, trials: withFailures.trials.filter((t) => t.state !== 'FAILED') };
  assert.deepEqual(ask(new TpeSampler(), withFailures), ask(new TpeSampler(), without));
  const onlyFailures = history(Array<TrialState>(12).fill('FAILED'));
  assert.deepEqual(ask(new TpeSampler(), onlyFailures), new RandomSampler().ask(braninSpace, onlyFailures, new Rng(1, 99)));
});

test('PRUNED trials end the start-up, and rank after COMPLETE ones: furthest step first, then last value', () => {
  const pruned = history(Array<TrialState>(10).fill('PRUNED'));
  assert.notDeepEqual(ask(new TpeSampler(), pruned), new RandomSampler().ask(braninSpace, pruned, new Rng(1, 99)));
  const trials: Trial[] = [
    { number: 0, state: 'PRUNED', params: {}, intermediate: [{ step: 1, value: 0.1 }] },
    { number: 1, state: 'PRUNED', params: {}, intermediate: [{ step: 3, value: 9 }] },
    { number: 2, state: 'COMPLETE', params: {}, values: [50] },
    { number: 3, state: 'PRUNED', params: {}, intermediate: [{ step: 3, value: 2 }] },
    { number: 4, state: 'PRUNED', params: {} },
    { number: 5, state: 'RUNNING', params: {} },
    { number: 6, state: 'FAILED', params: {} },
  ];
  const numbers = (list: Trial[]) => list.map((t) => t.number);
  const split = splitTrials(trials, 3, 'minimize', true);
  assert.deepEqual(numbers(split.below), [1, 2, 3]);
  assert.deepEqual(numbers(split.above), [0, 4, 5]);
  assert.deepEqual(numbers(splitTrials(trials, 3, 'minimize', false).above), [0, 4]);
});

test('the best trials are split off by loss, ties to the lower number', () => {
  const trials: Trial[] = [3, 1, 2, 1, 1, Number.NaN].map((value, number) => ({ number, state: 'COMPLETE', params: {}, values: [value] }));
  const numbers = (list: Trial[]) => list.map((t) => t.number);
  assert.deepEqual(numbers(splitTrials(trials, 2, 'minimize', true).below), [1, 3]);
  assert.deepEqual(numbers(splitTrials(trials, 4, 'minimize', true).below), [1, 2, 3, 4]);
  assert.deepEqual(numbers(splitTrials(trials, 2, 'maximize', true).below), [0, 2]);
  assert.deepEqual(numbers(splitTrials(trials, 6, 'minimize', true).above), []);
});

test('what a sampler keeps from its last asks never changes a proposal: another history, or trials that changed', () => {
  const seasoned = new TpeSampler();
  const first = runStudy(seasoned, braninSpace, branin.objective, { seed: 5, count: 60 });
  // The same trial numbers at other values, then trials that moved between the good and the bad.
  const other = runStudy(new TpeSampler(), braninSpace, (p) => -branin.objective(p), { seed: 6, count: 40 });
  const reordered = first.map((t) => ({ ...t, values: [-(t.values?.[0] as number)] }));
  const running = first.map((t) => (t.number % 3 ? t : { number: t.number, state: 'RUNNING' as const, params: t.params }));
  for (const trials of [other, reordered, running, first.slice(0, 30), first]) {
    const h = { directions: ['minimize' as const], trials };
    assert.deepEqual(ask(seasoned, h, 7), ask(new TpeSampler(), h, 7));
  }
});

test('constant liar: a RUNNING trial steers a parallel ask elsewhere; without it, the same point comes twice', () => {
  const finished = history(Array<TrialState>(15).fill('COMPLETE'));
  const first = ask(new TpeSampler(), finished) as TrialParams;
  const running: StudyHistory = { ...finished, trials: [...finished.trials, { number: 15, state: 'RUNNING', params: first }] };
  assert.notDeepEqual(ask(new TpeSampler(), running), first);
  assert.deepEqual(ask(new TpeSampler({ constantLiar: false }), running), first);
});

const svm = defineSearchSpace({
  kernel: { categorical: ['linear', 'rbf', 'poly'] },
  C: { loguniform: [1e-3, 1e3] },
  gamma: { loguniform: [1e-4, 10], when: { kernel: 'rbf' } },
  degree: { int: [2, 5], when: { kernel: 'poly' } },
  batch: { intlog: [16, 1024] },
  dropout: { uniform: [0, 0.5], step: 0.05 },
});

/** Best with rbf and gamma = 0.01; linear and poly are flat and worse. */
const svmLoss = (p: TrialParams) =>
  p.kernel === 'rbf'
    ? (Math.log10(p.gamma as number) + 2) ** 2 / 10 + Math.abs(Math.log10(p.C as number)) / 100
    : p.kernel === 'poly'
      ? 0.9
      : 1;

test('on a conditional space, every value is in its range and on its step, every parameter present exactly when active', () => {
  for (const sampler of [new TpeSampler(), new TpeSampler({ multivariate: false })]) {
    for (const trial of runStudy(sampler, svm, svmLoss, { seed: 4, count: 80 })) {
      for (const parameter of svm.parameters) {
        assert.equal(parameter.name in trial.params, isActive(parameter, trial.params), `${trial.number}: ${parameter.name}`);
        if (parameter.name in trial.params) assert.ok(contains(parameter.distribution, trial.params[parameter.name]), `${parameter.name}`);
      }
    }
  }
});

test('TPE learns which branch of a conditional space is good, and where in it', () => {
  const trials = runStudy(new TpeSampler(), svm, svmLoss, { seed: 2, count: 80 });
  const late = trials.slice(40);
  assert.ok(late.filter((t) => t.params.kernel === 'rbf').length >= 30, 'rbf is proposed most of the time');
  const distance = median(late.filter((t) => t.params.kernel === 'rbf').map((t) => Math.abs(Math.log10(t.params.gamma as number) + 2)));
  assert.ok(distance < 0.7, `late rbf trials have gamma within a factor 5 of 0.01 (median ${distance} decades off; random: 1.3)`);
});

test('TPE refuses a study of several objectives', () => {
  assert.throws(
    () => new TpeSampler().ask(braninSpace, { directions: ['minimize', 'maximize'], trials: [] }, new Rng(1)),
    (e: unknown) =>
      e instanceof UsageError && /the tpe sampler works on one objective, and this study has 2; use the nsga2 sampler/.test(e.message),
  );
  assert.throws(() => new TpeSampler({ nEiCandidates: 0 }), /nEiCandidates must be a whole number >= 1, got 0/);
});

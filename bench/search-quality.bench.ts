/**
 * Search quality and speed, labbook against Optuna in the same run (bench/search-peer.py in
 * .venv-bench): on Branin, Hartmann6 and a 20-D sphere, the median over 10 seeds of the best
 * value after 100 and 200 trials, for random search and TPE; then 200 TPE asks + tells on
 * Branin in memory (best of 3). Issue 18's targets: labbook's TPE beats random and is no worse
 * than Optuna's TPESampler within noise (the interquartile ranges over the seeds are printed);
 * the speed with every trial in the store comes with the engine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/search/rng.js';
import { RandomSampler } from '../src/search/samplers/random-sampler.js';
import { TpeSampler } from '../src/search/samplers/tpe/tpe-sampler.js';
import { defineSearchSpace } from '../src/search/space-schema.js';
import type { Sampler, Trial } from '../src/search/types.js';
import { bestSeconds, report } from './report.js';
import { branin, hartmann6, type Problem, sphere20 } from './search-problems.js';

const SEEDS = 10;
const TRIALS = 200;
const BUDGETS = ['100', '200'] as const;
const PROBLEMS = [branin, hartmann6, sphere20];
const SAMPLERS: Record<string, () => Sampler> = { random: () => new RandomSampler(), tpe: () => new TpeSampler() };

type Bests = Record<(typeof BUDGETS)[number], number>;

/** The best value after 100 and 200 trials of an ask/tell loop in memory. */
function studyBests(problem: Problem, sampler: Sampler, seed: number): Bests {
  const space = defineSearchSpace(problem.search);
  const trials: Trial[] = [];
  let best = Number.POSITIVE_INFINITY;
  const bests = {} as Bests;
  for (let number = 0; number < TRIALS; number++) {
    const params = sampler.ask(space, { directions: ['minimize'], trials }, new Rng(seed, number)) as Trial['params'];
    const value = problem.objective(params);
    trials.push({ number, state: 'COMPLETE', params, values: [value] });
    best = Math.min(best, value);
    if (String(number + 1) in { 100: 1, 200: 1 }) bests[String(number + 1) as keyof Bests] = best;
  }
  return bests;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = sorted[Math.floor(at)] as number;
  return low + ((sorted[Math.ceil(at)] as number) - low) * (at - Math.floor(at));
}

const summary = (values: readonly number[]) => ({ median: quantile(values, 0.5), iqr: quantile(values, 0.75) - quantile(values, 0.25) });

interface Peer {
  version: string;
  quality: Record<string, Record<string, Record<string, number[]>>>;
  speed_seconds: number;
}

/** Optuna's figures from the bench venv, or why there are none. */
function optuna(): Peer | string {
  const python = join(fileURLToPath(import.meta.url), '..', '..', '..', '.venv-bench', 'bin', 'python');
  if (!existsSync(python)) return 'no .venv-bench (make bench makes it)';
  const script = join(fileURLToPath(import.meta.url), '..', '..', '..', 'bench', 'search-peer.py');
  const run = spawnSync(python, [script, String(SEEDS), String(TRIALS)], { encoding: 'utf8' });
  if (run.status === 3) return 'optuna not installed in .venv-bench';
  if (run.status !== 0) throw new Error(`bench/search-peer.py failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Peer;
}

const peer = optuna();
for (const problem of PROBLEMS) {
  for (const [label, make] of Object.entries(SAMPLERS)) {
    const runs = Array.from({ length: SEEDS }, (_, seed) => studyBests(problem, make(), seed));
    for (const budget of BUDGETS) {
      const ours = summary(runs.map((r) => r[budget]));
      const theirs = typeof peer === 'string' ? undefined : summary(peer.quality[problem.name]?.[label]?.[budget] ?? []);
      const name = `search_${problem.name}_${label}_median_best_${budget}_trials`;
      if (!theirs) process.stdout.write(`${JSON.stringify({ name, value: ours.median, skipped: `the Optuna baseline: ${peer}` })}\n`);
      report({
        name,
        value: ours.median,
        unit: 'objective',
        iqr: ours.iqr,
        minimum: problem.minimum,
        ...(theirs && {
          baseline: theirs.median,
          baselineIqr: theirs.iqr,
          baselineLabel: `optuna ${(peer as Peer).version} ${label === 'tpe' ? 'TPESampler' : 'RandomSampler'}(seed), ${SEEDS} seeds`,
        }),
        target: label === 'tpe' ? 'below random; no worse than Optuna within the spread' : 'reported',
      });
    }
  }
}

const braninSpace = defineSearchSpace(branin.search);
const askTell = () => {
  const sampler = new TpeSampler();
  const trials: Trial[] = [];
  for (let number = 0; number < TRIALS; number++) {
    const params = sampler.ask(braninSpace, { directions: ['minimize'], trials }, new Rng(0, number));
    trials.push({ number, state: 'COMPLETE', params, values: [branin.objective(params)] });
  }
};
const seconds = await bestSeconds(3, askTell);
report({
  name: 'search_tpe_200_ask_tell_branin_in_memory',
  value: seconds,
  unit: 's',
  ...(typeof peer !== 'string' && {
    baseline: peer.speed_seconds,
    baselineLabel: `optuna ${peer.version} TPESampler, study.ask/tell in memory`,
    ratio: seconds / peer.speed_seconds,
  }),
  target: 'reported (with the store: <= 2x Optuna in memory, with the engine)',
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../domain/index.js';
import type { TrialOutcome, TrialQueueing, TrialRecord } from '../domain/study.js';
import { TrialFinishedError } from '../errors.js';
import { isTerminal } from '../queue/run-state.js';
import { canonicalJson } from '../spec/canonical-json.js';
import { sha256Hex } from '../spec/run-hash.js';
import type { JsonValue } from '../spec/types.js';
import type { NewRun, Store } from '../store/types.js';
import type { Study } from './study.js';
import { countStates } from './study-summary.js';

export interface TuneOptions {
  store: Store;
  study: Study;
  /** How many trials the study should have finished (COMPLETE, PRUNED or FAILED) in all. */
  trials: number;
  /** Trials in flight at once: as many as the workers can evaluate together. */
  parallel: number;
  queue: TrialQueueing;
  /**
   * `seeds:`: each trial is evaluated once per seed (its parameters' `seed`), and told the mean
   * of its runs' objectives once all ended; the trial's own run is the first seed's.
   */
  seeds?: readonly JsonValue[];
  /** The time, for the repeats' queueing. */
  now: () => number;
  /** Resolves when the worker session evaluating the runs has ended (interrupted): then tuning stops. */
  stopped: Promise<unknown>;
  pollMs?: number;
}

export interface TuneReport {
  /** Trials of the study by state when tuning stopped. */
  counts: Record<TrialRecord['state'], number>;
  /** Whether the space was tried in full before the budget (a grid sampler). */
  exhausted: boolean;
  /** Whether the session stopped (Ctrl-C) before the budget was spent. */
  interrupted: boolean;
}

/**
 * `labbook tune`'s loop (docs/studies.md): keeps `parallel` trials in flight as queued runs,
 * and tells each trial as its run ends: COMPLETE with the objectives read from the run (its
 * result's key, else the last value of the metric of that name), FAILED when the run failed,
 * was cancelled or reported no objective. A trial the pruner stopped was told PRUNED by the
 * worker already (trialPruneHook). Trials of an earlier tune that stopped are told the same way,
 * whoever holds them, so a resumed tune loses none.
 */
export async function tuneStudy(options: TuneOptions): Promise<TuneReport> {
  const { store, study } = options;
  const repeats = options.seeds && seedRepeats(store, study, options, options.seeds);
  const queue = repeats ? repeats.firstQueue : options.queue;
  let stopped = false;
  void options.stopped.then(() => {
    stopped = true;
  });
  let exhausted = false;
  for (;;) {
    let trials = await study.trials();
    for (const trial of trials.filter((t) => t.state === 'RUNNING')) {
      const run = await store.getRun(trial.runId);
      if (!run || !isTerminal(run.state)) continue;
      const runs = repeats ? await repeats.runsOf(trial) : [];
      if (runs.every((other) => isTerminal(other.state))) await tellFromRuns(store, study, trial, [run, ...runs]);
    }
    trials = await study.trials();
    const running = trials.filter((t) => t.state === 'RUNNING').length;
    const finished = trials.length - running;
    if (finished >= options.trials || stopped || (exhausted && running === 0)) {
      return { counts: countStates(trials), exhausted, interrupted: stopped && finished < options.trials };
    }
    for (let asked = trials.length; !exhausted && asked < options.trials && asked - finished < options.parallel; asked++) {
      const trial = await study.ask({ queue });
      exhausted = trial === undefined;
      if (trial && repeats) await repeats.queue(trial);
    }
    await Promise.race([sleep(options.pollMs ?? 100), options.stopped]);
  }
}

/**
 * The repeats of each trial over the seeds after the first: runs of the trial's parameters with
 * each other seed, queued beside the trial's own run and found again by their hash (a tune that
 * resumes queues those a stopped one had not).
 */
function seedRepeats(store: Store, study: Study, options: TuneOptions, seeds: readonly JsonValue[]) {
  const [first, ...others] = seeds;
  const base = options.queue.baseParams;
  const repeatsOf = (trial: TrialRecord): NewRun[] =>
    others.map((seed) => {
      const paramsJson = canonicalJson({ ...base, seed, ...trial.params });
      return { paramsJson, hash: sha256Hex(paramsJson) };
    });
  const queue = async (trial: TrialRecord) => {
    await store.enqueueRuns(study.record.experimentId, [repeatsOf(trial)], {
      now: options.now(),
      retries: options.queue.retries,
      specVersion: options.queue.specVersion,
    });
  };
  return {
    firstQueue: { ...options.queue, baseParams: { ...base, seed: first as JsonValue } },
    queue,
    /** The trial's repeat runs, as they are now (queued when missing). */
    async runsOf(trial: TrialRecord): Promise<RunRecord[]> {
      const found = async () => {
        const runs: RunRecord[] = [];
        for (const { hash } of repeatsOf(trial)) {
          const run = (await store.findRunsByHashPrefix(hash, 100)).filter((r) => r.experimentId === study.record.experimentId).at(-1);
          if (run) runs.push(run);
        }
        return runs;
      };
      let runs = await found();
      if (runs.length < others.length) {
        await queue(trial);
        runs = await found();
      }
      return runs;
    },
  };
}

async function tellFromRuns(store: Store, study: Study, trial: TrialRecord, runs: readonly RunRecord[]): Promise<void> {
  const outcome = meanOutcome(await Promise.all(runs.map((run) => outcomeOf(store, study.record.objectives, run))));
  // Told meanwhile by another (the pruner, a second tune): nothing to add.
  await study.tell(trial.number, outcome).catch((error: unknown) => {
    if (!(error instanceof TrialFinishedError)) throw error;
  });
}

/** The outcome of the first run that did not complete, if one did not; else the mean of the runs' objectives. */
function meanOutcome(outcomes: readonly TrialOutcome[]): TrialOutcome {
  const notComplete = outcomes.find((outcome) => outcome.state !== 'COMPLETE');
  if (notComplete) return notComplete;
  const [first, ...others] = outcomes as ReadonlyArray<{ state: 'COMPLETE'; values: readonly number[] }>;
  // Summed from the first value, so that a trial of one run is told that run's value exactly.
  const values = (first?.values ?? []).map(
    (value, i) => others.reduce((sum, outcome) => sum + (outcome.values[i] as number), value) / outcomes.length,
  );
  return { state: 'COMPLETE', values };
}

async function outcomeOf(store: Store, objectives: readonly string[], run: RunRecord): Promise<TrialOutcome> {
  if (run.state === 'FAILED') return { state: 'FAILED', error: run.error ?? 'the run failed' };
  if (run.state === 'CANCELLED')
    return { state: 'FAILED', error: `the run was cancelled${run.failureReason ? ` (${run.failureReason})` : ''}` };
  const result = run.result !== null && typeof run.result === 'object' && !Array.isArray(run.result) ? run.result : {};
  const summaries = await store.listMetricSummaries(run.id);
  const values: number[] = [];
  for (const objective of objectives) {
    const value = result[objective] ?? summaries.find((s) => s.key === objective)?.last;
    if (typeof value !== 'number') {
      return { state: 'FAILED', error: `run ${run.id} reported no '${objective}': return it in its result, or log it as a metric` };
    }
    values.push(value);
  }
  return { state: 'COMPLETE', values };
}

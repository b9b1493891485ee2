import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../domain/index.js';
import type { TrialOutcome, TrialQueueing, TrialRecord } from '../domain/study.js';
import type { Store } from '../store/types.js';
import type { Study } from './study.js';

export interface TuneOptions {
  store: Store;
  study: Study;
  /** How many trials the study should have finished (COMPLETE, PRUNED or FAILED) in all. */
  trials: number;
  /** Trials in flight at once: as many as the workers can evaluate together. */
  parallel: number;
  queue: TrialQueueing;
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
  let stopped = false;
  void options.stopped.then(() => {
    stopped = true;
  });
  let exhausted = false;
  for (;;) {
    let trials = await study.trials();
    for (const trial of trials.filter((t) => t.state === 'RUNNING')) {
      const run = await store.getRun(trial.runId);
      if (run && isFinished(run)) await tellFromRun(store, study, trial, run);
    }
    trials = await study.trials();
    const running = trials.filter((t) => t.state === 'RUNNING').length;
    const finished = trials.length - running;
    if (finished >= options.trials || stopped || (exhausted && running === 0)) {
      return { counts: countStates(trials), exhausted, interrupted: stopped && finished < options.trials };
    }
    for (let asked = trials.length; !exhausted && asked < options.trials && asked - finished < options.parallel; asked++) {
      exhausted = (await study.ask({ queue: options.queue })) === undefined;
    }
    await Promise.race([sleep(options.pollMs ?? 100), options.stopped]);
  }
}

const isFinished = (run: RunRecord) => run.state === 'COMPLETED' || run.state === 'FAILED' || run.state === 'CANCELLED';

async function tellFromRun(store: Store, study: Study, trial: TrialRecord, run: RunRecord): Promise<void> {
  const outcome = await outcomeOf(store, study.record.objectives, run);
  // Told meanwhile by another (the pruner, a second tune): nothing to add.
  await study.tell(trial.number, outcome).catch((error: { code?: string }) => {
    if (error.code !== 'LB_TRIAL_FINISHED') throw error;
  });
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

function countStates(trials: readonly TrialRecord[]): TuneReport['counts'] {
  const counts = { RUNNING: 0, COMPLETE: 0, PRUNED: 0, FAILED: 0 };
  for (const trial of trials) counts[trial.state]++;
  return counts;
}

import { TrialFinishedError } from '../errors.js';
import type { Clock } from '../queue/clock.js';
import type { PruneHook } from '../runner/command-executor.js';
import type { Store } from '../store/types.js';
import { Study } from './study.js';

/**
 * The answer a worker gives a run's `should_prune` (docs/protocol.md): when the run is a
 * study's trial, the value is reported to the trial and the study's pruner judges it; a trial
 * it stops is told PRUNED at once, which cancels its run (reason `pruned`) so that the worker
 * stops it if the run does not stop by itself; a trial told already is answered yes. Any other
 * run is never pruned.
 */
export function trialPruneHook(store: Store, clock: Clock): PruneHook {
  const studies = new Map<string, Promise<Study>>();
  return async (runId, step, value) => {
    const trial = await store.studies.findTrialOfRun(runId);
    if (!trial) return false;
    let study = studies.get(trial.study);
    if (!study) {
      study = Study.load(store, trial.study, { clock });
      studies.set(trial.study, study);
    }
    const handle = await study;
    try {
      const prune = await handle.shouldPrune(trial.number, step, value);
      if (prune) await handle.tell(trial.number, { state: 'PRUNED' });
      return prune;
    } catch (error) {
      // Told already (pruned at an earlier report, or failed): the run has nothing left to do.
      if (error instanceof TrialFinishedError) return true;
      throw error;
    }
  };
}

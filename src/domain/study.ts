import type { Direction, StudyHistory, Trial, TrialParams, TrialState } from '../search/types.js';
import type { JsonObject } from '../spec/types.js';

/** A sampler or pruner as a study records it: its name and the options it was built with. */
export interface SearchComponent {
  readonly name: string;
  readonly options: JsonObject;
}

/** What a study is: the space it searches for an experiment, how, and what it optimises (docs/studies.md). */
export interface StudyDefinition {
  readonly name: string;
  /** The experiment whose runs are the study's trials. */
  readonly experiment: string;
  /** The `search:` block, as given (parseSearchSpace reads it). */
  readonly space: JsonObject;
  readonly sampler: SearchComponent;
  readonly pruner?: SearchComponent;
  /** One per objective. */
  readonly directions: readonly Direction[];
  /** The objectives' names, one per direction: the keys of a run's result and of its reported metric. */
  readonly objectives: readonly string[];
  readonly seed: number;
}

export interface StudyRecord extends StudyDefinition {
  readonly id: number;
  readonly experimentId: number;
  readonly createdAt: number;
}

/** A trial as the store keeps it: the search's Trial, with the run that is its record and who holds it while RUNNING. */
export interface TrialRecord extends Trial {
  readonly studyId: number;
  readonly runId: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
}

/** How a trial ended, as its evaluator tells it. */
export type TrialOutcome =
  | { readonly state: 'COMPLETE'; readonly values: readonly number[] }
  | { readonly state: 'PRUNED' }
  | { readonly state: 'FAILED'; readonly error?: string };

export type FinishedTrialState = Exclude<TrialState, 'RUNNING'>;

/**
 * An ask, made atomically by the store: a RUNNING trial whose lease expired is handed out
 * again; otherwise `propose` (a pure function of the history, run while the study is locked)
 * gives the parameters of trial number `number`, or undefined when the space is exhausted.
 */
export interface TrialAskRequest {
  readonly studyId: number;
  readonly owner: string;
  readonly now: number;
  readonly leaseExpiresAt: number;
  readonly propose: (history: StudyHistory, number: number) => TrialParams | undefined;
  /** The trial's run goes to the queue, for workers to execute (labbook tune); else it is RUNNING, its client evaluates it. */
  readonly queue?: TrialQueueing;
}

/** How a trial's run is queued: as this spec version of the experiment, its parameters the trial's on top of `baseParams`. */
export interface TrialQueueing {
  readonly specVersion: number;
  readonly baseParams: JsonObject;
  readonly retries: number;
}

/** Which trial a run is. */
export interface RunTrial {
  readonly study: string;
  readonly number: number;
}

/** The trial handed out, and whether it was another client's that expired (asked again). */
export interface TrialAsked {
  readonly trial: TrialRecord;
  readonly reasked: boolean;
}

import type { CodeSnapshotRecord } from '../domain/code-snapshot.js';
import type { RunRecord } from '../domain/run.js';

/** What a store keeps of code snapshots and reruns (docs/reproducibility.md); part of Store. */
export interface CodeStore {
  /** Records a snapshot taken; one already recorded (the same tree) is left as it is. */
  recordCodeSnapshot(snapshot: CodeSnapshotRecord): Promise<void>;
  getCodeSnapshot(tree: string): Promise<CodeSnapshotRecord | undefined>;
  /**
   * Adds a PENDING run that executes run `runId` again, linked to it: the same experiment, spec
   * version (and so code snapshot) and parameters, with the next priority of its experiment so
   * that it is claimed before the runs queued there. Undefined when there is no such run.
   */
  addRerun(runId: number, now: number): Promise<RunRecord | undefined>;
  /** The run that run `runId` executes again, when it was made by addRerun. */
  rerunOf(runId: number): Promise<number | undefined>;
}

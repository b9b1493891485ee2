import type { MetricPoint } from '../../../src/domain/index.js';
import { runHash } from '../../../src/spec/run-hash.js';
import type { Params } from '../../../src/spec/types.js';
import type { Store } from '../../../src/store/types.js';

export const T0 = Date.UTC(2026, 0, 1);
export const INJECTION = "x'; DROP TABLE runs; --";

/**
 * Five runs of experiment `cv` (settings n_fold 5) and one of `other`:
 *  1 digits svc lr 0.1  COMPLETED  acc 0.5→0.9  val.loss 0.4→0.2  score 0.9  (took 10 s)
 *  2 digits svc lr 0.01 COMPLETED  acc 0.8      val.loss 0.3      score 0.8  (took 20 s)
 *  3 digits rf  lr 0.1  COMPLETED  acc 0.7      val.loss 0.5      score 0.7  (took 30 s)
 *  4 wine   rf  lr "0.1" (text) FAILED, exit code 3, no metrics
 *  5 wine   svc lr 0.5  PENDING, with a note that looks like SQL
 *  6 (other) iris svc lr 1 PENDING
 */
export async function queryFixture(store: Store): Promise<void> {
  const params: Params[] = [
    { dataset: 'digits', model: 'svc', lr: 0.1, seed: 1, flag: true, opt: { m: 0.9 } },
    { dataset: 'digits', model: 'svc', lr: 0.01, seed: 2, flag: false },
    { dataset: 'digits', model: 'rf', lr: 0.1, seed: 1 },
    { dataset: 'wine', model: 'rf', lr: '0.1', seed: 2 },
    { dataset: 'wine', model: 'svc', lr: 0.5, seed: 1, note: INJECTION },
  ];
  const cv = await store.saveExperiment('cv', { name: 'cv', settings: { n_fold: 5 } }, T0);
  await store.enqueueRuns(cv.id, [params.map((p) => ({ paramsJson: JSON.stringify(p), hash: runHash(p) }))], { now: T0, retries: 0 });
  const other = await store.saveExperiment('other', { name: 'other', settings: { n_fold: 3 } }, T0);
  const iris = { dataset: 'iris', model: 'svc', lr: 1 };
  await store.enqueueRuns(other.id, [[{ paramsJson: JSON.stringify(iris), hash: runHash(iris) }]], { now: T0, retries: 0 });

  const series: Array<Record<string, number[]>> = [
    { acc: [0.5, 0.9], 'val.loss': [0.4, 0.2] },
    { acc: [0.8], 'val.loss': [0.3] },
    { acc: [0.7], 'val.loss': [0.5] },
  ];
  for (let i = 0; i < 4; i++) {
    const start = T0 + 1000 * i;
    const [run] = await store.claimRuns({ workerId: 'w1', limit: 1, now: start, leaseExpiresAt: start + 60_000, experiments: ['cv'] });
    if (!run) throw new Error('fixture: nothing to claim');
    const lease = { runId: run.id, workerId: 'w1', attempt: run.attempt };
    const end = start + 10_000 * (i + 1);
    if (i < 3) {
      const points: MetricPoint[] = Object.entries(series[i] as Record<string, number[]>).flatMap(([key, values]) =>
        values.map((value, step) => ({ key, step, value, at: start + step })),
      );
      await store.appendMetrics(run.id, run.attempt, points);
      await store.finishRun(lease, { kind: 'completed', result: { score: [0.9, 0.8, 0.7][i] as number } }, end);
    } else {
      await store.finishRun(lease, { kind: 'failed', reason: 'error', error: 'boom', exitCode: 3 }, end);
    }
  }
}

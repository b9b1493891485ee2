import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StudyRecord, TrialRecord } from '../../../src/domain/study.js';
import { defineSearchSpace } from '../../../src/search/index.js';
import { parameterImportance, summarizeStudy } from '../../../src/study/study-summary.js';

const space = defineSearchSpace({ x: { uniform: [0, 1] }, noise: { uniform: [0, 1] }, kind: { categorical: ['a', 'b'] } });

function trial(
  number: number,
  params: Record<string, number | string>,
  values: number[],
  state: TrialRecord['state'] = 'COMPLETE',
): TrialRecord {
  return { studyId: 1, number, runId: number + 1, state, params, values, leaseOwner: null, leaseExpiresAt: null };
}

const record = (directions: StudyRecord['directions']): StudyRecord => ({
  id: 1,
  experimentId: 1,
  createdAt: 0,
  name: 's',
  experiment: 's',
  space: {},
  sampler: { name: 'random', options: {} },
  directions,
  objectives: directions.map((_, i) => `v${i}`),
  seed: 0,
});

test('the parameter the value depends on gets nearly all the importance', () => {
  // x decides the value; noise and kind cycle independently of it.
  const trials = Array.from({ length: 64 }, (_, i) =>
    trial(i, { x: ((i * 37) % 64) / 64, noise: (i % 8) / 8, kind: i % 2 ? 'a' : 'b' }, [(((i * 37) % 64) / 64) ** 2]),
  );
  const importance = parameterImportance(space, trials);
  assert.equal(importance[0]?.parameter, 'x');
  assert.ok((importance[0]?.importance ?? 0) > 0.9, JSON.stringify(importance));
  assert.ok(Math.abs(importance.reduce((sum, i) => sum + i.importance, 0) - 1) < 1e-9);
});

test('the best trial of one objective, the Pareto front of two, and the trials counted by state', () => {
  const one = summarizeStudy(record(['maximize']), space, [
    trial(0, { x: 0.1, noise: 0, kind: 'a' }, [1]),
    trial(1, { x: 0.2, noise: 0, kind: 'a' }, [3]),
    trial(2, { x: 0.3, noise: 0, kind: 'a' }, [], 'FAILED'),
  ]);
  assert.equal(one.best?.number, 1);
  assert.deepEqual(one.counts, { RUNNING: 0, COMPLETE: 2, PRUNED: 0, FAILED: 1 });
  const two = summarizeStudy(record(['minimize', 'minimize']), space, [
    trial(0, { x: 0.1, noise: 0, kind: 'a' }, [1, 3]),
    trial(1, { x: 0.2, noise: 0, kind: 'a' }, [2, 2]),
    trial(2, { x: 0.3, noise: 0, kind: 'a' }, [3, 3]),
  ]);
  assert.equal(two.best, undefined);
  assert.deepEqual(
    two.pareto.map((t) => t.number),
    [0, 1],
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelMemory } from '../../../src/search/samplers/tpe/kernel-memory.js';

/** The indices of `values` as a stable sort orders them. */
const stableOrder = (values: number[]) =>
  values
    .map((value, i) => [value, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, i]) => i);

test('the order of the observations is a stable sort, whatever the memory saw before', () => {
  const memory = new KernelMemory();
  const builds: Array<[values: number[], numbers: number[]]> = [
    [
      [2, 1, 2, 1, 0.5],
      [0, 1, 2, 3, 4],
    ],
    // Trials gone, one new, the others in another order of numbers: equal values by index still.
    [
      [1, 2, 1, 0.5, 2, 1],
      [1, 2, 3, 4, 6, 7],
    ],
    [[], []],
    [
      [3, 3],
      [9, 10],
    ],
    // A trial back (moved from the other estimator) ties with later ones: it goes first.
    [
      [3, 3, 3],
      [2, 9, 10],
    ],
  ];
  for (const [values, numbers] of builds) {
    assert.deepEqual([...memory.ascending(Float64Array.from(values), Int32Array.from(numbers))], stableOrder(values), `${values}`);
  }
});

test('a kernel’s log-width and mass are reused only for the same centre, width and domain', () => {
  const memory = new KernelMemory();
  const logs = (low: number, high: number, mus: number[], sigmas: number[]) =>
    memory.kernelLogs(
      low,
      high,
      Int32Array.from(mus.slice(0, -1), (_, i) => i),
      Float64Array.from(mus),
      Float64Array.from(sigmas),
    );
  const fresh = (low: number, high: number, mus: number[], sigmas: number[]) =>
    new KernelMemory().kernelLogs(
      low,
      high,
      Int32Array.from(mus.slice(0, -1), (_, i) => i),
      Float64Array.from(mus),
      Float64Array.from(sigmas),
    );
  const cases: Array<[number, number, number[], number[]]> = [
    [0, 1, [0.2, 0.9, 0.5], [0.1, 0.3, 1]],
    [0, 1, [0.2, 0.9, 0.4, 0.5], [0.1, 0.2, 0.3, 1]],
    [0, 1, [0.3, 0.9, 0.5], [0.1, 0.2, 1]],
    [-1, 1, [0.3, 0.9, 0], [0.1, 0.2, 2]],
  ];
  for (const c of cases) assert.deepEqual(logs(...c), fresh(...c), `${c}`);
});

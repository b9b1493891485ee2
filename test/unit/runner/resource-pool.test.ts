import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectMachine } from '../../../src/runner/machine.js';
import { ResourcePool, requestOf, shortfall } from '../../../src/runner/resource-pool.js';
import { formatMemorySize, parseMemorySize } from '../../../src/spec/memory-size.js';

const machine = { cpus: 8, memoryBytes: 16 * 2 ** 30, gpus: ['0', '1', '2', '3'] };

test('a pool lends each run its own devices and takes them back when it ends', () => {
  const pool = new ResourcePool(machine);
  const request = requestOf({ gpus: 1 });
  const lent = [0, 1, 2, 3].map(() => pool.take(request));
  assert.deepEqual(
    lent.map((allocation) => allocation?.devices),
    [['0'], ['1'], ['2'], ['3']],
  );
  assert.equal(pool.take(request), undefined, 'a fifth run waits');
  pool.give(lent[2] as NonNullable<(typeof lent)[2]>);
  assert.deepEqual(pool.take(request)?.devices, ['2']);
});

test('a pool packs by CPUs and memory; it is idle only when nothing is lent', () => {
  const pool = new ResourcePool(machine);
  const first = pool.take(requestOf({ cpus: 6, memory: '8G' }));
  assert.ok(first);
  assert.equal(pool.take(requestOf({ cpus: 4 })), undefined);
  assert.equal(pool.take(requestOf({ memory: '9G' })), undefined);
  assert.ok(!pool.idle);
  assert.ok(pool.take(requestOf({ cpus: 2, memory: '8G' })));
  pool.give(first);
  assert.ok(pool.take(requestOf({ cpus: 6 })));
});

test('what a run asks beyond the whole machine is said with the figures', () => {
  assert.deepEqual(shortfall({ cpus: 8, gpus: 4, memory: '16G' }, machine), []);
  assert.deepEqual(shortfall({ cpus: 9, gpus: 5, memory: '17G' }, machine), [
    '9 CPUs (this machine has 8)',
    '5 GPUs (this machine has 4: 0,1,2,3)',
    '17G of memory (this machine has 16G)',
  ]);
  assert.deepEqual(shortfall({ gpus: 1 }, { ...machine, gpus: [] }), ['1 GPU (this machine has none)']);
});

test('devices come from --gpus, else CUDA_VISIBLE_DEVICES (empty or -1: none)', () => {
  assert.deepEqual(detectMachine({ gpus: ['2', '3'] }, { CUDA_VISIBLE_DEVICES: '0' }).gpus, ['2', '3']);
  assert.deepEqual(detectMachine({}, { CUDA_VISIBLE_DEVICES: '0, 1' }).gpus, ['0', '1']);
  assert.deepEqual(detectMachine({}, { CUDA_VISIBLE_DEVICES: '' }).gpus, []);
  assert.deepEqual(detectMachine({}, { CUDA_VISIBLE_DEVICES: '1,-1,2' }).gpus, ['1']);
  assert.equal(detectMachine({ cpus: 3, memoryBytes: 1024 }, {}).cpus, 3);
});

test('memory sizes are binary units, as schedulers read them', () => {
  assert.equal(parseMemorySize('512M'), 512 * 2 ** 20);
  assert.equal(parseMemorySize('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseMemorySize('16g'), 16 * 2 ** 30);
  assert.equal(parseMemorySize('16 gigs'), undefined);
  assert.equal(formatMemorySize(15.5 * 2 ** 30), '15.5G');
});

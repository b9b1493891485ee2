import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runsPerSlot, runsToClaimAhead, TypicalRunTime } from '../../../src/runner/claim-policy.js';

test('runs are claimed ahead only while they are short, about 50 ms of work per slot, 4 to 32 in all', () => {
  assert.equal(runsToClaimAhead(Number.POSITIVE_INFINITY, 4), 0, 'nothing known yet: one at a time');
  assert.equal(runsToClaimAhead(1_000, 4), 0);
  assert.equal(runsToClaimAhead(999, 2), 8, 'at least 4 per slot');
  assert.equal(runsToClaimAhead(5, 2), 20);
  assert.equal(runsToClaimAhead(0.1, 8), 32, 'capped');
  assert.equal(runsToClaimAhead(0, 1), 32, 'a run too short for the clock to see');
});

test('a slot takes several runs only when they take under about 10 ms, never more than its executor allows', () => {
  assert.equal(runsPerSlot(Number.POSITIVE_INFINITY, 8), 1);
  assert.equal(runsPerSlot(10, 8), 1);
  assert.equal(runsPerSlot(2, 8), 5);
  assert.equal(runsPerSlot(0.1, 128), 100);
  assert.equal(runsPerSlot(0, 8), 8);
  assert.equal(runsPerSlot(0.1, 1), 1);
});

test('the typical run time is the median of the last runs: a slow first run or a pause does not hold it up', () => {
  const times = new TypicalRunTime();
  assert.equal(times.ms, Number.POSITIVE_INFINITY, 'nothing known before a run ended');
  times.add(6); // a slot's first run, which includes starting the slot
  assert.equal(times.ms, 6);
  for (const ms of [0, 0, 9, 0]) times.add(ms);
  assert.equal(times.ms, 0, 'short runs, one pause among them');
  for (let i = 0; i < 9; i++) times.add(40);
  assert.equal(times.ms, 40, 'only the last runs count');
});

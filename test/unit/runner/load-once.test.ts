import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoadOnce } from '../../../src/runner/load-once.js';

test('a value is loaded once per key, and is there without an await once made', async () => {
  const values = new LoadOnce<string, number>();
  let loads = 0;
  const load = async () => ++loads;
  assert.equal(values.ready('a'), undefined, 'nothing before the first load');
  const first = values.get('a', load);
  assert.equal(values.ready('a'), undefined, 'not while it loads');
  assert.equal(await values.get('a', load), 1, 'a second caller shares the load');
  assert.equal(await first, 1);
  assert.equal(values.ready('a'), 1);
  assert.equal(await values.get('b', load), 2, 'another key loads anew');
  assert.equal(loads, 2);
});

test('a caller resuming from the first load finds the value made', async () => {
  const values = new LoadOnce<string, string>();
  await values.get('spec', async () => 'made');
  assert.equal(values.ready('spec'), 'made');
});

test('a load that failed stays failed and never becomes ready', async () => {
  const values = new LoadOnce<string, number>();
  let loads = 0;
  const failing = async (): Promise<number> => {
    loads++;
    throw new Error('no spec');
  };
  await assert.rejects(values.get('a', failing), /no spec/);
  await assert.rejects(values.get('a', failing), /no spec/);
  assert.equal(loads, 1);
  assert.equal(values.ready('a'), undefined);
});

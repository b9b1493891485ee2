import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withThousands } from '../../../src/util/thousands.js';

test('withThousands groups digits as toLocaleString(en-US) does, without loading the number formatter', () => {
  for (const n of [0, 7, 999, 1_000, 12_345, 999_999, 1_000_000, 1_234_567_890, -1_500, 2 ** 53, 1234.5]) {
    assert.equal(withThousands(n), n.toLocaleString('en-US', { maximumFractionDigits: 20 }), String(n));
  }
});

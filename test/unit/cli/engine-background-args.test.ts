import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backgroundServeOptions } from '../../../src/cli/engine-background-args.js';

test('the command line clients start the engine with is recognised; anything else goes through the whole CLI', () => {
  assert.deepEqual(backgroundServeOptions(['engine', 'serve', '--background']), {});
  assert.deepEqual(backgroundServeOptions(['--store', '/p/.labbook', 'engine', 'serve', '--background']), { store: '/p/.labbook' });
  assert.deepEqual(backgroundServeOptions(['engine', 'serve', '--idle-timeout', '10s', '--background']), { idleTimeout: '10s' });
  for (const other of [
    ['engine', 'serve'],
    ['engine', 'start'],
    ['--json', 'engine', 'serve', '--background'],
    ['engine', 'serve', '--background', '--debug'],
    ['engine', 'serve', '--background', '--idle-timeout'],
    ['--store', 'engine', 'serve', '--background'],
    ['ls'],
    [],
  ]) {
    assert.equal(backgroundServeOptions(other), undefined, other.join(' '));
  }
});

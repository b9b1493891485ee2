import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, jsonLines } from '../helpers/cli.js';
import { writeSpec } from '../helpers/specs.js';
import { tempDir } from '../helpers/temp-dir.js';

test('runs of a spec with nothing to execute wait untouched until a spec with a command moves them', async (t) => {
  const dir = tempDir(t);
  assert.equal((await cli(dir, ['init'])).code, 0);
  writeSpec(dir, 'name: bare\nparameters: {x: [1, 2]}\n');
  const added = await cli(dir, ['add', 'sweep.yaml']);
  assert.equal(added.code, 0);
  assert.match(added.stderr, /^labbook: warning: experiment 'bare': its spec has no command or function, so its runs wait in the queue/m);

  const worker = await cli(dir, ['worker', '-j', '2']);
  assert.equal(worker.code, 0, worker.stderr);
  assert.equal(worker.stderr.match(/skipping experiment 'bare'/g)?.length, 1, worker.stderr);
  const waiting = jsonLines((await cli(dir, ['ls', '--json'])).stdout) as Array<{ state: string; attempt: number; failures: number }>;
  assert.deepEqual(
    waiting.map((run) => [run.state, run.attempt, run.failures]),
    [
      ['PENDING', 0, 0],
      ['PENDING', 0, 0],
    ],
  );

  writeSpec(dir, 'name: bare\nparameters: {x: [1, 2]}\ncommand: echo {x}\n');
  assert.equal((await cli(dir, ['add', 'sweep.yaml', '--move-pending'])).code, 0);
  assert.equal((await cli(dir, ['worker'])).code, 0);
  const done = jsonLines((await cli(dir, ['ls', '--json'])).stdout) as Array<{ state: string; attempt: number }>;
  assert.deepEqual(
    done.map((run) => [run.state, run.attempt]),
    [
      ['COMPLETED', 1],
      ['COMPLETED', 1],
    ],
  );
});

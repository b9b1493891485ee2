import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processesWithArgument, uniqueSleep } from '../helpers/processes.js';
import { processEnv, project, projectStore } from '../helpers/project.js';
import { waitUntil } from '../helpers/wait.js';

const env = processEnv();

test('a run over its timeout is stopped with its whole process group and FAILED as TIMED_OUT', async (t) => {
  const sleep = uniqueSleep(30);
  const dir = await project(
    t,
    `name: slow
parameters:
  x: [1]
timeout: 1s
command: [sh, -c, 'echo started >&2; sleep ${sleep} & sleep ${sleep}; wait']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '--json'], { env });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'FAILED');
  assert.equal(only?.failureReason, 'TIMED_OUT');
  assert.match(only?.error ?? '', /^started\n\[labbook\] timed out after 1s; the run was stopped$/);
  const events = await store.listRunEvents(only!.id);
  assert.match(events.at(-1)?.reason ?? '', /^TIMED_OUT: /);
  await waitUntil(() => processesWithArgument(sleep).length === 0, {
    timeoutMs: 10_000,
    message: `processes of the timed-out run still running: ${JSON.stringify(processesWithArgument(sleep))}`,
  });
});

test('a timed-out run is retried when it has retries left', async (t) => {
  const dir = await project(
    t,
    `name: slow-then-fast
parameters:
  x: [1]
timeout: 1s
retries: 1
command: [sh, -c, 'if [ "$LABBOOK_ATTEMPT" = 1 ]; then sleep ${uniqueSleep(30)}; fi; echo fast']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml'], { env });
  assert.equal(run.code, 0, run.stderr);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'COMPLETED');
  assert.equal(only?.attempt, 2);
  const reasons = (await store.listRunEvents(only!.id)).map((e) => `${e.toState} ${e.reason}`);
  assert.match(reasons.join('\n'), /PENDING TIMED_OUT: .*\nRUNNING claimed\nCOMPLETED completed$/);
});

test('retries: a run failing twice and succeeding on its third attempt is COMPLETED with attempt 3', async (t) => {
  const dir = await project(
    t,
    `name: flaky
parameters:
  x: [1]
retries: 2
command: [sh, -c, 'n=$(cat "$LABBOOK_RUN_DIR/count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$LABBOOK_RUN_DIR/count"; echo "$n $LABBOOK_ATTEMPT" >> "$LABBOOK_RUN_DIR/attempts"; if [ $n -lt 3 ]; then echo "attempt $n fails" >&2; exit 1; fi']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml'], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /run 1 failed, will be retried: attempt 1 fails/);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'COMPLETED');
  assert.equal(only?.attempt, 3);
  assert.equal(only?.failures, 2);
  assert.equal(only?.error, null, 'the error of an earlier attempt does not stay on a completed run');
  const runDir = join(dir, '.labbook', 'runs', String(only!.id));
  assert.equal(readFileSync(join(runDir, 'attempts'), 'utf8'), '1 1\n2 2\n3 3\n', 'LABBOOK_ATTEMPT counts the attempts');
  const events = (await store.listRunEvents(only!.id)).filter((e) => e.fromState === 'RUNNING');
  assert.deepEqual(
    events.map((e) => [e.attempt, e.toState, e.reason]),
    [
      [1, 'PENDING', 'exit status 1: attempt 1 fails'],
      [2, 'PENDING', 'exit status 1: attempt 2 fails'],
      [3, 'COMPLETED', 'completed'],
    ],
  );
});

test('retries run out: the run is FAILED with the error of its last attempt', async (t) => {
  const dir = await project(
    t,
    `name: hopeless
parameters:
  x: [1]
retries: 1
command: [sh, -c, 'echo "failure $LABBOOK_ATTEMPT" >&2; exit 2']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml'], { env });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'FAILED');
  assert.equal(only?.attempt, 2);
  assert.equal(only?.error, 'failure 2', 'only this attempt of the stderr tail');
  assert.equal(only?.failureReason, 'exit status 2');
});

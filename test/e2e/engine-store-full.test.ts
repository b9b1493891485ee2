import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RunRecord } from '../../src/domain/index.js';
import { openStore } from '../../src/store/open-store.js';
import { onSmallDisk, smallDiskUnavailable } from '../helpers/small-disk.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Each run's result is 150 kB: a few of them fill a 4 MB disk. */
const RUN = `big=$(head -c 150000 /dev/zero | tr '\\0' x)
printf '{"type":"result","value":"%s"}\\n' "$big" >&3
`;
const SPEC = 'name: big\nparameters:\n  x: range(40)\nretries: 2\ncommand: [sh, run.sh]\n';

test('a worker whose store fills up stops cleanly: exit 3, what to do, its runs given back unspent', {
  skip: smallDiskUnavailable,
}, async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'run.sh'), RUN);
  writeFileSync(join(dir, 'sweep.yaml'), SPEC);
  const result = await onSmallDisk(
    dir,
    '4m',
    `cp "${join(dir, 'run.sh')}" "${join(dir, 'sweep.yaml')}" . && $LABBOOK init >/dev/null && $LABBOOK add sweep.yaml >/dev/null || exit 98
$LABBOOK worker -j 2 2>"$OUT/worker.err"
echo $? >"$OUT/worker.code"
cp -a .labbook "$OUT/store"`,
  );
  assert.equal(result.code, 0, result.stderr);
  const out = (name: string) => readFileSync(join(dir, 'out', name), 'utf8');
  const stderr = out('worker.err');
  assert.equal(Number(out('worker.code')), 3, stderr);
  assert.doesNotMatch(stderr, /internal error|^\s+at /m, 'no crash, no stack trace');
  assert.match(stderr, /stopping \(LB_STORE_FULL\): the runs this worker holds go back to the queue without spending a retry/);
  assert.match(stderr, /the disk holding the store .*labbook\.db is full \(SQLite: database or disk is full\)\. .*free space on that disk/);

  const store = await openStore({ cwd: dir, store: join(dir, 'out', 'store') });
  t.after(() => store.close());
  const runs = await store.listRuns({});
  const states = new Set(runs.map((run) => run.state));
  assert.deepEqual([...states].sort(), ['COMPLETED', 'PENDING'], 'none left RUNNING, none FAILED');
  assert.deepEqual(
    runs.filter((run) => run.failures > 0 || run.losses > 0),
    [],
    'the full disk spent no retry and counted no loss',
  );
  const stopped: RunRecord[] = [];
  for (const run of runs) {
    if ((await store.listRunEvents(run.id)).some((event) => event.reason === 'worker stopped (LB_STORE_FULL)')) stopped.push(run);
  }
  assert.ok(stopped.length >= 1, 'the runs whose outcome the full store refused were given back');
  assert.ok(
    runs.filter((run) => run.state === 'PENDING' && !stopped.includes(run)).every((run) => run.attempt === 0),
    'runs it had not begun went back as they were',
  );
});

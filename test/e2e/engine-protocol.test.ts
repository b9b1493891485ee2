import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';

/** A run speaking docs/protocol.md by hand: every message type, requests, and bad lines. */
const SCRIPT = String.raw`
import json, os, sys
run_dir = os.environ['LABBOOK_RUN_DIR']
buffered = b''

def send(message):
    os.write(3, (json.dumps(message) + '\n').encode())

def request(message):
    global buffered
    send(message)
    while b'\n' not in buffered:
        chunk = os.read(3, 4096)
        if not chunk:
            sys.exit('the channel closed before the reply')
        buffered += chunk
    line, buffered = buffered.split(b'\n', 1)
    reply = json.loads(line)
    assert reply['id'] == message['id'], reply
    return reply

replies = {}
replies['exists_before'] = request({'id': 1, 'type': 'checkpoint_exists'})
send({'type': 'metrics', 'values': {'loss': 0.5, 'acc': 0.9}, 'step': 0})
send({'type': 'metrics', 'points': [['loss', 1, 0.25], ['acc', 1, 0.95, 1700000000000], ['lr', None, None]]})
with open(os.path.join(run_dir, 'model.txt'), 'w') as f:
    f.write('weights')
send({'type': 'artifact', 'name': 'model', 'path': 'model.txt', 'media_type': 'text/plain'})
with open(os.path.join(run_dir, 'state.bin'), 'wb') as f:
    f.write(b'step=1')
replies['checkpoint'] = request({'id': 2, 'type': 'checkpoint', 'path': 'state.bin'})
replies['exists_after'] = request({'id': 3, 'type': 'checkpoint_exists'})
replies['restore'] = request({'id': 4, 'type': 'restore'})
replies['prune'] = request({'id': 5, 'type': 'should_prune', 'step': 1, 'value': 0.25})
send({'type': 'log', 'message': 'hello from the run', 'level': 'warning'})
os.write(3, b'this is not json\n')
send({'type': 'bogus'})
replies['bad_request'] = request({'id': 6, 'type': 'checkpoint'})
send({'type': 'result', 'value': {'score': 0.25}})
replies['flush'] = request({'id': 7, 'type': 'flush'})
with open(os.path.join(run_dir, 'replies.json'), 'w') as f:
    json.dump(replies, f)
`;

test('fd-3 messages are stored, requests answered, and malformed lines warned about without failing the run', async (t) => {
  const dir = await project(
    t,
    `name: protocol
parameters:
  x: [1]
command: [python3, speak.py]
`,
  );
  writeFileSync(join(dir, 'speak.py'), SCRIPT);
  const run = await cli(dir, ['run', 'sweep.yaml', '--json'], { env: processEnv() });
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(run.code, 0, `${run.stderr}\n${only?.error}`);
  assert.equal(only?.state, 'COMPLETED');
  assert.deepEqual(only?.result, { score: 0.25 });
  const runId = only!.id;
  const runDir = join(dir, '.labbook', 'runs', String(runId));

  const replies = JSON.parse(readFileSync(join(runDir, 'replies.json'), 'utf8'));
  const sha = createHash('sha256').update('step=1').digest('hex');
  assert.deepEqual(replies.exists_before, { id: 1, ok: true, value: false });
  assert.deepEqual(replies.checkpoint, { id: 2, ok: true, value: { sha256: sha, size: 6 } });
  assert.deepEqual(replies.exists_after, { id: 3, ok: true, value: true });
  assert.equal(replies.restore.value.sha256, sha);
  assert.equal(readFileSync(replies.restore.value.path, 'utf8'), 'step=1', 'restore points at the stored blob');
  assert.deepEqual(replies.prune, { id: 5, ok: true, value: false });
  assert.equal(replies.bad_request.ok, false);
  assert.equal(replies.bad_request.error.code, 'LB_PROTOCOL_BAD_REQUEST');
  assert.deepEqual(replies.flush, { id: 7, ok: true, value: null });

  const loss = await store.readMetrics(runId, 'loss');
  assert.deepEqual(
    loss.map((p) => [p.step, p.value]),
    [
      [0, 0.5],
      [1, 0.25],
    ],
  );
  const acc = await store.readMetrics(runId, 'acc');
  assert.equal(acc[1]?.at, 1700000000000, 'a point keeps the time it was sent with');
  assert.deepEqual(
    (await store.readMetrics(runId, 'lr')).map((p) => [p.step, p.value]),
    [[null, null]],
  );
  const summaries = await store.listMetricSummaries(runId);
  assert.deepEqual(summaries.map((s) => s.key).sort(), ['acc', 'loss', 'lr']);
  assert.deepEqual(
    summaries.find((s) => s.key === 'loss'),
    { key: 'loss', attempt: 1, first: 0.5, last: 0.25, min: 0.25, max: 0.5, count: 2, lastStep: 1 },
  );

  const artifacts = await store.listArtifacts(runId);
  assert.equal(artifacts.length, 1);
  assert.equal(artifacts[0]?.name, 'model');
  assert.equal(artifacts[0]?.mediaType, 'text/plain');
  assert.equal(artifacts[0]?.sha256, createHash('sha256').update('weights').digest('hex'));
  assert.equal((await store.getCheckpoint(runId))?.sha256, sha);

  // Lines count from the first the run sent: 1 exists, 2-3 metrics, 4 artifact, 5-8 requests, 9 log.
  const log = readFileSync(join(runDir, 'labbook.log'), 'utf8');
  assert.match(log, /WARNING hello from the run\n/);
  assert.match(log, /WARNING fd3 line 10: not JSON \(this is not json\); line ignored/);
  assert.match(log, /WARNING fd3 line 11: unknown type 'bogus'/);
  assert.match(log, /WARNING fd3 line 12: a 'checkpoint' message needs a 'path' text/);
  const viaCli = await cli(dir, ['logs', String(runId), '--stream', 'labbook'], { env: processEnv() });
  assert.match(viaCli.stdout, /fd3 line 10: not JSON/);
});

test('a result sent by a run that then exits non-zero is discarded', async (t) => {
  const dir = await project(
    t,
    `name: discarded
parameters:
  x: [1]
command: [sh, -c, 'echo "{{\\"type\\": \\"result\\", \\"value\\": 42}}" >&3; echo "Traceback: ValueError: late" >&2; exit 1']
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '--json'], { env: processEnv() });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'FAILED');
  assert.equal(only?.result, null);
  assert.match(only?.error ?? '', /ValueError: late/);
});

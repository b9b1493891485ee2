import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HAND_RUN_LEASE_MS, HandRuns } from '../../../src/engine/hand-runs.js';
import { REMOTE_HEARTBEAT_MS, REMOTE_SILENCE_MS, RemoteRuns } from '../../../src/engine/remote-runs.js';
import { ManualClock } from '../../../src/queue/clock.js';
import { project, projectStore } from '../../helpers/project.js';

test('a remote client silent for a minute loses its run: its lease expires and the run is redone', async (t) => {
  const store = await projectStore(t, await project(t));
  const clock = new ManualClock();
  const handRuns = new HandRuns(store, clock, () => {});
  t.after(() => handRuns.close());
  const remote = new RemoteRuns(handRuns, clock);
  const { run, key } = await remote.start('far', { lr: 0.1 });

  // A client that sends a heartbeat keeps its run.
  clock.advance(REMOTE_SILENCE_MS - REMOTE_HEARTBEAT_MS);
  await remote.messages(key, run, []);
  clock.advance(REMOTE_SILENCE_MS - REMOTE_HEARTBEAT_MS);
  remote.hangUpSilent();
  await remote.messages(key, run, [{ type: 'log', message: 'still here', level: 'info' }]);

  // Then it goes silent (killed): a minute later its key is refused and its lease runs out.
  clock.advance(REMOTE_SILENCE_MS);
  remote.hangUpSilent();
  await assert.rejects(remote.messages(key, run, []), /was not started with this key, or its client was silent too long/);
  const reaped = await store.reapExpiredLeases(clock.now() + HAND_RUN_LEASE_MS + 1, 3);
  assert.deepEqual(
    reaped.map((r) => r.id),
    [run],
  );
  assert.notEqual((await store.getRun(run))?.state, 'RUNNING');
});

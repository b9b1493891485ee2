import { hostname } from 'node:os';
import { test } from 'node:test';
import { systemClock } from '../../../src/queue/clock.js';
import { Queue } from '../../../src/queue/queue.js';
import { Executors } from '../../../src/runner/executors.js';
import { trackingOf } from '../../../src/runner/run-tracking.js';
import { Worker } from '../../../src/runner/worker.js';
import { defineExperiment } from '../../../src/spec/load-spec.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { freshSchema, POSTGRES_URL, postgresAvailable } from '../../helpers/postgres.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { waitUntil } from '../../helpers/wait.js';

const HOUR = 3_600_000;

/**
 * An idle worker on a PostgreSQL store polls once an hour here: it can only claim the runs
 * another process adds because the add's notification wakes it (LISTEN/NOTIFY).
 */
if (postgresAvailable('Idle workers wake on PostgreSQL')) {
  test('an idle worker claims runs another process adds without waiting for its next poll', async (t) => {
    const schema = await freshSchema(t);
    const dir = tempDir(t);
    const open = () => PostgresStore.open(POSTGRES_URL as string, { schema, objectsDir: dir });
    const workerStore = await open();
    const other = await open();
    const executors = new Executors({ cwd: dir, env: process.env, storeDir: workerStore.reference, slots: 1, now: () => Date.now() });
    const worker = new Worker(new Queue(workerStore), trackingOf(workerStore, systemClock), executors, {
      host: hostname(),
      pid: process.pid,
      slots: 1,
      cwd: dir,
      wait: true,
      pollMs: HOUR,
    });
    const running = worker.run();
    try {
      // The worker is idle (registered, nothing to claim) before the runs come.
      await waitUntil(async () => (await other.listWorkers()).length === 1, { message: 'the worker registered' });
      await new Queue(other).enqueue(defineExperiment({ name: 'late', parameters: { i: 'range(3)' }, command: ['true'] }));
      await waitUntil(async () => (await other.countRuns({ states: ['COMPLETED'] }))[0]?.count === 3, {
        message: 'the idle worker completed the 3 runs added after it went idle',
      });
    } finally {
      worker.interrupt(false);
      await running;
      await executors.close();
      await Promise.all([workerStore.close(), other.close()]);
    }
  });
}

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { EngineState } from './engine-state.js';

/**
 * Frees at once the runs held by workers of this host whose process is gone (the engine of a
 * sweep killed with `kill -9`, a `labbook worker` killed): their leases would hold the runs
 * until they expire, and a driver that resumes the sweep would wait that long. A worker of
 * another host, or one whose process still runs, is left to its lease.
 */
export async function releaseRunsOfDeadLocalWorkers({ store, queue, clock }: EngineState): Promise<void> {
  const host = hostname();
  const dead = (await store.listWorkers({ running: true })).filter((worker) => worker.host === host && !isAlive(worker.pid));
  if (dead.length === 0) return;
  const running = await store.listRuns({ states: ['RUNNING'] });
  const now = clock.now();
  for (const worker of dead) {
    const held = running.filter((run) => run.leaseOwner === worker.id).map((run) => run.id);
    // A lease renewed to a time past is an expired one: the reaper below puts the runs back as a lost worker's.
    await store.renewLeases(worker.id, held, now - 1, now);
    await store.stopWorker(worker.id, now);
  }
  await queue.reapExpired();
}

/** Whether the process runs: a zombie (killed, its parent yet to reap it) does not. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Linux: the state is the field after the command's closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\s*[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 1));
  } catch {
    return true; // no /proc here: signal 0 is all there is to go on
  }
}

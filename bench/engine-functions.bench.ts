/**
 * 10,000 no-op function runs (a module's export run in worker threads) with 2 threads,
 * through the whole engine: claim, thread round trip, outcome fenced by the lease.
 * Baseline: the same 10,000 calls of the function in a plain loop in this thread, which
 * persists nothing. Target: ≥ 2,000 runs/s.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/queue/clock.js';
import { Queue } from '../src/queue/queue.js';
import { startSession } from '../src/runner/session.js';
import { defineExperiment } from '../src/spec/load-spec.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { silentLog } from '../src/util/log.js';
import { bestSeconds, report } from './report.js';
import { removeScratch, scratchDir } from './scratch.js';

const RUNS = 10_000;

/** Seconds of the session alone (the store's set-up and clean-up are not the engine's cost). */
async function labbookFunctions(): Promise<number> {
  const dir = scratchDir();
  const module = join(dir, 'noop.mjs');
  writeFileSync(module, 'export async function noop(ctx, config) { return { x: config.i }; }\n');
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  const spec = defineExperiment({ name: 'noop', parameters: { i: `range(${RUNS})` }, function: `${module}#noop` });
  await new Queue(store).enqueue(spec);
  const start = process.hrtime.bigint();
  const result = await startSession({
    store,
    clock: systemClock,
    host: hostname(),
    pid: process.pid,
    cwd: dir,
    env: process.env,
    slots: 2,
    experiments: ['noop'],
    wait: false,
    waitForOthers: false,
    killOnInterrupt: false,
    notify: [],
    log: silentLog,
  }).result;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.report.completed !== RUNS) throw new Error(`expected ${RUNS} completed runs, got ${result.report.completed}`);
  await store.close();
  removeScratch(dir);
  return seconds;
}

async function bareLoop(): Promise<void> {
  const dir = scratchDir();
  const module = join(dir, 'noop.mjs');
  writeFileSync(module, 'export async function noop(ctx, config) { return { x: config.i }; }\n');
  const { noop } = (await import(pathToFileURL(module).href)) as { noop: (ctx: unknown, config: unknown) => Promise<unknown> };
  for (let i = 0; i < RUNS; i++) await noop({}, { i });
  removeScratch(dir);
}

const labbook = Math.min(await labbookFunctions(), await labbookFunctions());
const baseline = await bestSeconds(2, bareLoop);
report({
  name: 'engine: 10,000 no-op function runs, 2 worker threads',
  value: RUNS / labbook,
  unit: 'runs/s',
  baseline: RUNS / baseline,
  baselineLabel: 'the same calls in a plain loop, nothing persisted',
  ratio: labbook / baseline,
  target: '>= 2000 runs/s',
});

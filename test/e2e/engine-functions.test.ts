import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { processEnv, project, projectStore } from '../helpers/project.js';

const MODULE = `
export const train = async (ctx, config) => {
  if (config.x < 0) throw new Error('x must not be negative');
  const before = await ctx.restore();
  ctx.log({ loss: 1 }, 0);
  ctx.log({ loss: 0.5 }, 1);
  await ctx.checkpoint({ step: 1, seen: before ?? null });
  ctx.message('trained on ' + config.x);
  return { score: config.x * 2, n_fold: config.settings.n_fold, exists: await ctx.checkpointExists() };
};
`;

test('function runs: results, metrics and checkpoints stored; a throwing function is FAILED with its stack', async (t) => {
  const dir = await project(
    t,
    `name: functions
parameters:
  x: [1, 2, -1]
settings: {n_fold: 5}
function: ./fn.mjs#train
`,
  );
  writeFileSync(join(dir, 'fn.mjs'), MODULE);
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2', '--json'], { env: processEnv() });
  assert.equal(run.code, 1, 'one run failed');
  const store = await projectStore(t, dir);
  const [one, two, negative] = await store.listRuns({});

  assert.equal(one?.state, 'COMPLETED');
  assert.deepEqual(one?.result, { score: 2, n_fold: 5, exists: true });
  assert.deepEqual(two?.result, { score: 4, n_fold: 5, exists: true });
  for (const r of [one!, two!]) {
    assert.deepEqual(
      (await store.readMetrics(r.id, 'loss')).map((p) => [p.step, p.value]),
      [
        [0, 1],
        [1, 0.5],
      ],
    );
    assert.ok(await store.getCheckpoint(r.id), `run ${r.id} has its checkpoint`);
  }

  assert.equal(negative?.state, 'FAILED');
  assert.equal(negative?.failureReason, 'exception');
  assert.match(negative?.error ?? '', /^Error: x must not be negative\n\s+at train \(file:\/\/.*fn\.mjs:3:/);
  const show = await cli(dir, ['show', String(negative?.id)], { env: processEnv() });
  assert.match(show.stdout, /error\n {2}Error: x must not be negative/);
});

test('a function that does not exist fails its runs with a message naming what the module exports', async (t) => {
  const dir = await project(
    t,
    `name: misnamed
parameters:
  x: [1]
function: ./fn.mjs#tarin
`,
  );
  writeFileSync(join(dir, 'fn.mjs'), MODULE);
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: processEnv() });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.equal(only?.state, 'FAILED');
  assert.match(only?.error ?? '', /has no exported function 'tarin' \(it exports: train\)/);
});

test('a function over its timeout is stopped and FAILED as TIMED_OUT', async (t) => {
  const dir = await project(
    t,
    `name: slow-function
parameters:
  x: [1, 2]
timeout: 1s
function: ./slow.mjs
`,
  );
  writeFileSync(join(dir, 'slow.mjs'), 'export default async (ctx, config) => { if (config.x === 1) for (;;) {} return { ok: true }; };\n');
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '1'], { env: processEnv() });
  assert.equal(run.code, 1);
  const store = await projectStore(t, dir);
  const [busy, quick] = await store.listRuns({});
  assert.equal(busy?.state, 'FAILED');
  assert.equal(busy?.failureReason, 'TIMED_OUT');
  assert.equal(quick?.state, 'COMPLETED', 'the next run gets a fresh thread');
  assert.deepEqual(quick?.result, { ok: true });
});

test('a retried function restores the checkpoint its failed attempt saved', async (t) => {
  const dir = await project(
    t,
    `name: resumable-function
parameters:
  x: [1]
retries: 1
function: ./resume.mjs
`,
  );
  writeFileSync(
    join(dir, 'resume.mjs'),
    `export default async (ctx) => {
  const state = await ctx.restore();
  if (ctx.attempt === 1) {
    await ctx.checkpoint({ step: 3, weights: new Float64Array([0.5, 0.25]) });
    throw new Error('lost the GPU');
  }
  return { attempt: ctx.attempt, restored: state.step, weights: [...state.weights] };
};
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: processEnv() });
  assert.equal(run.code, 0, run.stderr);
  const store = await projectStore(t, dir);
  const [only] = await store.listRuns({});
  assert.deepEqual(only?.result, { attempt: 2, restored: 3, weights: [0.5, 0.25] });
});

test('a function written in TypeScript runs as it is (no build step)', async (t) => {
  const dir = await project(
    t,
    `name: typed
parameters:
  lr: [0.1, 0.2]
function: ./train.ts#train
`,
  );
  writeFileSync(
    join(dir, 'train.ts'),
    `interface Ctx { log(values: Record<string, number>, step?: number): void }
export async function train(ctx: Ctx, config: { lr: number }): Promise<{ score: number }> {
  const steps: number[] = [0, 1];
  for (const step of steps) ctx.log({ loss: config.lr / (step + 1) }, step);
  return { score: config.lr * 10 };
}
`,
  );
  const run = await cli(dir, ['run', 'sweep.yaml', '-j', '2'], { env: processEnv() });
  assert.equal(run.code, 0, run.stderr);
  const store = await projectStore(t, dir);
  const runs = await store.listRuns({});
  assert.deepEqual(
    runs.map((r) => [r.state, r.result]),
    [
      ['COMPLETED', { score: 1 }],
      ['COMPLETED', { score: 2 }],
    ],
  );
  assert.deepEqual(
    (await store.readMetrics(runs[0]!.id, 'loss')).map((p) => p.value),
    [0.1, 0.05],
  );
});

test('a function spec added, then run, plans its runs once: its function is named from the spec file either way', async (t) => {
  const dir = await project(t, 'name: fns\nparameters:\n  x: [1, 2]\nfunction: ./fn.mjs#train\n');
  writeFileSync(join(dir, 'fn.mjs'), 'export const train = async (ctx, config) => ({ x: config.x });\n');
  assert.equal((await cli(dir, ['add', 'sweep.yaml'])).code, 0);
  const run = await cli(dir, ['run', 'sweep.yaml'], { env: processEnv() });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^labbook: fns: 2 runs planned: 0 added, 2 already PENDING$/m);
  const store = await projectStore(t, dir);
  assert.deepEqual(
    (await store.listRuns({})).map((r) => [r.id, r.state, r.specVersion, r.result]),
    [
      [1, 'COMPLETED', 1, { x: 1 }],
      [2, 'COMPLETED', 1, { x: 2 }],
    ],
  );
});

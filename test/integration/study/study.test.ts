import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SearchComponent, StudyDefinition } from '../../../src/domain/study.js';
import { ManualClock } from '../../../src/queue/clock.js';
import type { Store } from '../../../src/store/types.js';
import { Study } from '../../../src/study/index.js';
import { QUADRATIC } from '../../helpers/quadratic-study.js';
import { storeBackends } from '../../helpers/store-backends.js';

async function runStudy(store: Store, definition: StudyDefinition, trials: number): Promise<Study> {
  const study = await Study.create(store, definition);
  for (let i = 0; i < trials; i++) {
    const trial = await study.ask();
    assert.ok(trial);
    await study.tell(trial.number, { state: 'COMPLETE', values: [((trial.params.x as number) - 0.3) ** 2] });
  }
  await study.close();
  return study;
}

for (const [backend, openStore] of storeBackends('studies')) {
  describe(`studies (${backend})`, () => {
    test('each trial is a run of the study experiment: its parameters, and its value as the result', async (t) => {
      const store = await openStore(t);
      const study = await runStudy(store, QUADRATIC, 3);
      const trials = await study.trials();
      assert.deepEqual(
        trials.map((trial) => [trial.number, trial.state]),
        [
          [0, 'COMPLETE'],
          [1, 'COMPLETE'],
          [2, 'COMPLETE'],
        ],
      );
      const runs = await store.listRuns({ experiments: ['quad-trials'] });
      assert.deepEqual(
        runs.map((run) => [run.id, run.state, run.params, run.result]),
        trials.map((trial) => [trial.runId, 'COMPLETED', trial.params, { loss: trial.values?.[0] }]),
      );
    });

    test('the same seed gives the same trials, for random and for tpe', async (t) => {
      const samplers: SearchComponent[] = [
        { name: 'random', options: {} },
        { name: 'tpe', options: { nStartupTrials: 3 } },
      ];
      for (const sampler of samplers) {
        const definition = { ...QUADRATIC, sampler };
        const params = async () => (await (await runStudy(await openStore(t), definition, 8)).trials()).map((trial) => trial.params);
        const first = await params();
        assert.deepEqual(await params(), first, sampler.name);
        const other = await (await runStudy(await openStore(t), { ...definition, seed: 8 }, 8)).trials();
        assert.notDeepEqual(
          other.map((trial) => trial.params),
          first,
          `${sampler.name}: another seed, other trials`,
        );
      }
    });

    test('failed and pruned trials are told as such, with their runs FAILED and CANCELLED; a trial is told once', async (t) => {
      const store = await openStore(t);
      const study = await Study.create(store, { ...QUADRATIC, pruner: { name: 'median', options: { nStartupTrials: 0 } } });
      const failed = await study.ask();
      const pruned = await study.ask();
      assert.ok(failed && pruned);
      await study.tell(failed.number, { state: 'FAILED', error: 'CUDA out of memory' });
      await study.report(pruned.number, 1, 0.5);
      await study.tell(pruned.number, { state: 'PRUNED' });
      const [failedRun, prunedRun] = [await store.getRun(failed.runId), await store.getRun(pruned.runId)];
      assert.deepEqual([failedRun?.state, failedRun?.error], ['FAILED', 'CUDA out of memory']);
      assert.deepEqual([prunedRun?.state, prunedRun?.failureReason], ['CANCELLED', 'pruned']);
      assert.deepEqual(
        (await store.readMetrics(pruned.runId, 'loss')).map((point) => [point.step, point.value]),
        [[1, 0.5]],
      );
      assert.deepEqual(
        (await study.trials()).map((trial) => [trial.state, trial.intermediate]),
        [
          ['FAILED', undefined],
          ['PRUNED', [{ step: 1, value: 0.5 }]],
        ],
      );
      await assert.rejects(study.tell(failed.number, { state: 'COMPLETE', values: [1] }), { code: 'LB_TRIAL_FINISHED' });
      await assert.rejects(study.tell(99, { state: 'PRUNED' }), { code: 'LB_TRIAL_NOT_FOUND' });
      await assert.rejects(study.tell(pruned.number + 1, { state: 'COMPLETE', values: [1, 2] }), { code: 'LB_USAGE' });
      await study.close();
    });

    test('the pruner stops a trial whose reports are worse than the median of the completed ones', async (t) => {
      const store = await openStore(t);
      const study = await Study.create(store, { ...QUADRATIC, pruner: { name: 'median', options: { nStartupTrials: 1 } } });
      const good = await study.ask();
      assert.ok(good);
      assert.equal(await study.shouldPrune(good.number, 1, 0.1), false, 'no completed trial yet');
      await study.tell(good.number, { state: 'COMPLETE', values: [0.1] });
      const bad = await study.ask();
      assert.ok(bad);
      assert.equal(await study.shouldPrune(bad.number, 1, 0.9), true);
      await study.close();
    });

    test('a study of a name taken is refused, or loaded as it is with loadIfExists; a bad definition writes nothing', async (t) => {
      const store = await openStore(t);
      await runStudy(store, QUADRATIC, 2);
      await assert.rejects(Study.create(store, QUADRATIC), { code: 'LB_STUDY_EXISTS' });
      const loaded = await Study.create(store, { ...QUADRATIC, seed: 99 }, { loadIfExists: true });
      assert.equal(loaded.record.seed, 7);
      assert.equal((await loaded.trials()).length, 2);
      await assert.rejects(Study.create(store, { ...QUADRATIC, name: 'bad', space: { x: { uniform: [1, 0] } } }), {
        code: 'LB_SPEC_INVALID',
      });
      await assert.rejects(
        Study.create(store, { ...QUADRATIC, name: 'bad', sampler: { name: 'cmaes', options: {} } }),
        /unknown sampler 'cmaes'/,
      );
      await assert.rejects(Study.create(store, { ...QUADRATIC, name: 'bad', objectives: [] }), { code: 'LB_USAGE' });
      assert.equal(await store.studies.getStudy('bad'), undefined);
      await assert.rejects(Study.load(store, 'nope'), { code: 'LB_STUDY_NOT_FOUND' });
    });

    test('a trial whose client stopped renewing it is asked again, with its number, parameters and run', async (t) => {
      const store = await openStore(t);
      const clock = new ManualClock();
      const lost = await Study.create(store, QUADRATIC, { clock, owner: 'lost' });
      const taken = await lost.ask();
      assert.ok(taken);
      clock.advance(31_000);
      const other = await Study.load(store, QUADRATIC.name, { clock, owner: 'other' });
      const again = await other.ask();
      assert.deepEqual([again?.number, again?.params, again?.runId, again?.leaseOwner], [taken.number, taken.params, taken.runId, 'other']);
      const next = await other.ask();
      assert.equal(next?.number, taken.number + 1, 'a new trial once none expired');
      const run = await store.getRun(taken.runId);
      assert.deepEqual([run?.state, run?.attempt, run?.losses], ['RUNNING', 2, 1]);
      await lost.close();
      await other.close();
    });

    test('a grid study ends when every point was tried', async (t) => {
      const store = await openStore(t);
      const study = await Study.create(store, {
        ...QUADRATIC,
        space: { x: { categorical: [0, 1, 2] } },
        sampler: { name: 'grid', options: {} },
      });
      const asked = [];
      for (let trial = await study.ask(); trial; trial = await study.ask()) {
        asked.push(trial.params.x);
        await study.tell(trial.number, { state: 'COMPLETE', values: [0] });
      }
      assert.deepEqual(asked.sort(), [0, 1, 2]);
      await study.close();
    });
  });
}

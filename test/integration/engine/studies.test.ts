import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { enginePaths } from '../../../src/engine/engine-paths.js';
import { locateStore } from '../../../src/store/open-store.js';
import { VERSION } from '../../../src/version.js';
import { engineEnv, engineOfStore, rawConnection } from '../../helpers/engine.js';
import { freshDatabase, postgresAvailable } from '../../helpers/postgres.js';
import { project } from '../../helpers/project.js';

/** The stores the engine serves here, as it names them: a project's store directory, or a new PostgreSQL database's URL. */
const stores: Array<[string, (t: TestContext) => Promise<string>]> = [['sqlite', async (t) => locateStore({ cwd: await project(t) })]];
if (postgresAvailable('engine studies')) stores.push(['postgres', freshDatabase]);

async function client(t: TestContext, store: string, env: NodeJS.ProcessEnv) {
  const connection = await rawConnection(t, enginePaths(store, env).socket);
  let next = 1;
  const request = async (method: string, params: unknown) => {
    const id = next++;
    connection.send({ id, method, params });
    for (let count = 1; ; count++) {
      const answer = (await connection.lines(count)).find((line) => line.id === id && line.ok !== undefined);
      if (answer) return answer;
    }
  };
  await request('hello', { version: VERSION, client: 'test' });
  return { connection, request };
}

const SPACE = { x: { uniform: [0, 1] } };

for (const [backend, openStore] of stores) {
  describe(`studies over the engine (${backend})`, () => {
    test('a study over the engine: create, ask, report, tell, and read it back with its trials', async (t) => {
      const store = await openStore(t);
      const env = engineEnv(t);
      await engineOfStore(t, store, env);
      const { request } = await client(t, store, env);
      const created = await request('createStudy', { name: 's', space: SPACE, sampler: 'random', pruner: 'median', seed: 3 });
      assert.deepEqual(created.value, {
        name: 's',
        experiment: 's',
        space: SPACE,
        sampler: { name: 'random', options: {} },
        pruner: { name: 'median', options: {} },
        directions: ['minimize'],
        objectives: ['value'],
        seed: 3,
        createdAt: (created.value as { createdAt: number }).createdAt,
      });
      const trial = (await request('askTrial', { study: 's' })).value as { number: number; params: { x: number }; run: number };
      assert.equal(trial.number, 0);
      assert.equal((await request('reportTrial', { study: 's', number: 0, step: 1, value: 0.5 })).value, false);
      const told = (await request('tellTrial', { study: 's', number: 0, values: [0.25] })).value as { state: string };
      assert.equal(told.state, 'COMPLETE');
      const again = await request('tellTrial', { study: 's', number: 0, state: 'FAILED' });
      assert.equal(again.error?.code, 'LB_TRIAL_FINISHED');
      const study = (await request('getStudy', { name: 's' })).value as { trials: unknown[] };
      assert.deepEqual(study.trials, [
        { number: 0, state: 'COMPLETE', params: trial.params, values: [0.25], intermediate: [{ step: 1, value: 0.5 }], run: trial.run },
      ]);
      assert.deepEqual(
        ((await request('listStudies', {})).value as Array<{ name: string }>).map((s) => s.name),
        ['s'],
      );
      assert.equal((await request('askTrial', { study: 'nope' })).error?.code, 'LB_STUDY_NOT_FOUND');
    });

    test('the trials of a client that disconnects without telling them go to the next client that asks', async (t) => {
      const store = await openStore(t);
      const env = engineEnv(t);
      await engineOfStore(t, store, env);
      const first = await client(t, store, env);
      await first.request('createStudy', { name: 's', space: SPACE, sampler: 'random', seed: 3 });
      const held = (await first.request('askTrial', { study: 's' })).value as { number: number; params: unknown };
      first.connection.socket.destroy();
      const second = await client(t, store, env);
      let again: { number: number; params: unknown } | undefined;
      // The engine gives the trials back once it saw the connection close.
      for (let tries = 0; again?.number !== held.number && tries < 100; tries++) {
        if (again) await second.request('tellTrial', { study: 's', number: again.number, values: [1] });
        again = (await second.request('askTrial', { study: 's' })).value as { number: number; params: unknown };
      }
      assert.deepEqual(again, { ...again, number: held.number, params: held.params });
    });
  });
}

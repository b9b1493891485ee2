import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { entityLabel } from '../../../src/lineage/entity-id.js';
import { VERSION } from '../../../src/version.js';
import { engineEnv, engineInProcess, rawConnection, socketOf } from '../../helpers/engine.js';
import { project } from '../../helpers/project.js';
import { dataset, evaluation, hex, model } from '../../helpers/provenance.js';

type Answer = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

async function engine(t: TestContext) {
  const dir = await project(t);
  const env = engineEnv(t);
  await engineInProcess(t, dir, env);
  const connection = await rawConnection(t, socketOf(dir, env));
  let next = 1;
  const request = async (method: string, params: unknown): Promise<Answer> => {
    const id = next++;
    connection.send({ id, method, params });
    for (let count = 1; ; count++) {
      const answer = (await connection.lines(count)).find((line) => line.id === id && line.ok !== undefined);
      if (answer) return answer as Answer;
    }
  };
  await request('hello', { version: VERSION, client: 'test' });
  return request;
}

test('entities are recorded, read, annotated, followed and ranked through the engine', async (t) => {
  const request = await engine(t);
  const recorded = await request('recordEntities', { entities: [dataset('train', hex('a')), dataset('test', hex('b'))] });
  const [train, testSet] = (recorded.value as Array<{ uid: string; created: boolean }>).map((entity) => entity.uid) as [string, string];
  const [svc] = ((await request('recordEntities', { entities: [model('svc', train)] })).value as Array<{ uid: string }>).map(
    (e) => e.uid,
  ) as [string];
  await request('recordEntities', { entities: [evaluation(svc, testSet, 0.9)] });

  const again = await request('recordEntities', { entities: [dataset('train', hex('a'))] });
  assert.deepEqual(again.value, [{ uid: train, created: false }]);
  const changed = await request('recordEntities', { entities: [dataset('train', hex('c'))] });
  assert.equal(changed.error?.code, 'LB_ENTITY_IMMUTABLE');
  const malformed = await request('recordEntities', {
    entities: [{ kind: 'model', name: 'x', algorithm: 'a', hyperParameters: { C: Number.NaN } }],
  });
  assert.equal(malformed.ok, false);

  const found = (await request('findEntities', { filter: 'kind=evaluation upstream=dataset:train via=trained_on' })).value as Array<{
    uid: string;
  }>;
  assert.equal(found.length, 1);
  const lineage = (await request('getLineage', { ref: found[0]?.uid.slice(0, 8) })).value as {
    nodes: Array<{ kind: string; name: string; version: string | null; uid: string }>;
  };
  assert.deepEqual(
    lineage.nodes
      .map(entityLabel)
      .map((label) => label.split(' ').slice(0, 2).join(' '))
      .sort(),
    ['dataset test@1', 'dataset train@1', 'evaluation accuracy', 'model svc'],
  );
  const annotated = (await request('annotateEntity', { ref: 'model:svc', annotations: { owner: 'ada' }, tags: ['released'] })).value as {
    tags: string[];
  };
  assert.deepEqual(annotated.tags, ['released']);
  const board = (await request('leaderboard', { filter: 'task=digits metric=accuracy' })).value as { ranked: Array<{ value: number }> };
  assert.deepEqual(
    board.ranked.map((entry) => entry.value),
    [0.9],
  );
  const regress = await request('regress', { baseline: 'task=digits', candidate: 'tag=none', metric: 'accuracy' });
  assert.equal(regress.error?.code, 'LB_USAGE');
  const badFilter = await request('findEntities', { filter: 'colour=red' });
  assert.equal(badFilter.error?.code, 'LB_ENTITY_FILTER');
});

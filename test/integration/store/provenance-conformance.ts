import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { EntityImmutableError, EntityLinkError, EntityNotFoundError } from '../../../src/errors.js';
import { newEntity } from '../../../src/lineage/entity-id.js';
import type { Store } from '../../../src/store/types.js';
import { dataset, hex, model, record, smallLineage, T0 } from '../../helpers/provenance.js';

/** The provenance behaviour every Store backend must have (src/store/provenance-types.ts). */
export function describeProvenanceConformance(backend: string, open: (t: TestContext) => Promise<Store>): void {
  describe(`provenance store (${backend})`, () => {
    test('an entity is stored once under the id of its content; writing it again changes nothing', async (t) => {
      const store = await open(t);
      const entity = newEntity(dataset('digits', hex('a')));
      assert.deepEqual(await store.recordEntities([entity], T0), [{ uid: entity.uid, created: true }]);
      assert.deepEqual(await store.recordEntities([entity], T0 + 5), [{ uid: entity.uid, created: false }]);
      const [found] = await store.findEntities({ uids: [entity.uid] });
      assert.deepEqual(found, {
        uid: entity.uid,
        kind: 'dataset',
        name: 'digits',
        version: '1',
        entity: entity.entity,
        createdAt: T0,
        annotations: {},
        tags: [],
      });
    });

    test('other content under a taken kind, name and version is refused and nothing of the batch is written', async (t) => {
      const store = await open(t);
      await record(store, dataset('digits', hex('a')));
      const fresh = newEntity(dataset('iris', hex('c')));
      const changed = newEntity(dataset('digits', hex('b')));
      await assert.rejects(store.recordEntities([fresh, changed], T0), (error: unknown) => {
        assert.ok(error instanceof EntityImmutableError);
        assert.match(error.message, /dataset 'digits' version '1' is [0-9a-f]{12} already.*new version/);
        return true;
      });
      const all = await store.findEntities({});
      assert.deepEqual(
        all.map((e) => [e.name, (e.entity as { contentHash: string }).contentHash]),
        [['digits', hex('a')]],
      );
      await record(store, dataset('digits', hex('b'), { version: '2' }));
      assert.equal((await store.findEntities({ name: 'digits' })).length, 2, 'a new version is a new entity');
    });

    test('a link to an entity the store does not hold is refused', async (t) => {
      const store = await open(t);
      await assert.rejects(store.recordEntities([newEntity(model('svc', hex('f')))], T0), EntityLinkError);
      assert.deepEqual(await store.findEntities({}), []);
    });

    test('lineage edges come from the links, upstream and downstream, to a depth', async (t) => {
      const store = await open(t);
      const { train, test: testSet, model: svc, evaluation: evaluated } = await smallLineage(store);
      assert.deepEqual(
        await store.lineageEdges([evaluated], 'upstream'),
        [
          { from: svc, edge: 'trained_on', to: train },
          { from: evaluated, edge: 'evaluated_on', to: testSet },
          { from: evaluated, edge: 'predicted_by', to: svc },
        ].sort((a, b) => (a.from + a.edge < b.from + b.edge ? -1 : 1)),
      );
      assert.equal((await store.lineageEdges([evaluated], 'upstream', 1)).length, 2);
      assert.deepEqual((await store.lineageEdges([train], 'downstream')).map((edge) => edge.from).sort(), [evaluated, svc].sort());
    });

    test('annotations and tags are added later; an annotation keeps its value', async (t) => {
      const store = await open(t);
      const [uid] = (await record(store, dataset('digits', hex('a')))) as [string];
      const annotated = await store.annotateEntity(uid, { owner: 'ada', split: { seed: 1 } }, ['gold'], T0 + 1);
      assert.deepEqual([annotated.annotations, annotated.tags], [{ owner: 'ada', split: { seed: 1 } }, ['gold']]);
      await store.annotateEntity(uid, { owner: 'ada' }, ['gold', 'v1'], T0 + 2);
      await assert.rejects(store.annotateEntity(uid, { note: 'x', owner: 'bob' }, ['new'], T0 + 3), EntityImmutableError);
      const [after] = await store.findEntities({ uids: [uid] });
      assert.deepEqual(
        [after?.annotations, after?.tags],
        [{ owner: 'ada', split: { seed: 1 } }, ['gold', 'v1']],
        'nothing of the refused call was written',
      );
      assert.deepEqual(
        (await store.findEntities({ tags: ['v1'] })).map((e) => e.uid),
        [uid],
      );
      await assert.rejects(store.annotateEntity(hex('e'), { a: 1 }, [], T0), EntityNotFoundError);
    });

    test('entities are found by id prefix, kind, name and version', async (t) => {
      const store = await open(t);
      const { train, evaluation: evaluated } = await smallLineage(store);
      assert.deepEqual(
        (await store.findEntities({ uidPrefix: train.slice(0, 8) })).map((e) => e.uid),
        [train],
      );
      assert.deepEqual(
        (await store.findEntities({ kinds: ['evaluation'] })).map((e) => e.uid),
        [evaluated],
      );
      assert.deepEqual((await store.findEntities({ kinds: ['dataset'], name: 'digits-test', version: '1' })).length, 1);
      assert.deepEqual(await store.findEntities({ uids: [] }), []);
    });
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTempStore, smallLineage } from '../../helpers/provenance.js';

test('no SQL path changes or removes what was written: entities, edges and annotations are guarded by the schema', async (t) => {
  const store = openTempStore(t);
  const { train } = await smallLineage(store);
  await store.annotateEntity(train, { owner: 'ada' }, [], 0);
  const snapshot = () =>
    ['entities', 'entity_edges', 'entity_annotations'].map((table) => store.database.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all());
  const before = snapshot();
  for (const statement of [
    "UPDATE entities SET body = '{}' WHERE uid = ?",
    "UPDATE entities SET name = 'other' WHERE uid = ?",
    'DELETE FROM entities WHERE uid = ?',
    "UPDATE entity_edges SET edge = 'derived_from' WHERE to_id = (SELECT id FROM entities WHERE uid = ?)",
    'DELETE FROM entity_edges WHERE to_id = (SELECT id FROM entities WHERE uid = ?)',
    'UPDATE entity_annotations SET value = \'"bob"\' WHERE entity_id = (SELECT id FROM entities WHERE uid = ?)',
  ]) {
    assert.throws(() => store.database.prepare(statement).run(train), /immutable|keeps its value/, statement);
  }
  assert.deepEqual(snapshot(), before);
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { mediaTypeOf } from '../../../src/track/media-type.js';
import { ObjectStore } from '../../../src/track/object-store.js';
import { recordArtifact } from '../../../src/track/record-artifact.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function storeWithRuns(t: import('node:test').TestContext) {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  const experiment = await store.saveExperiment('cv', {}, 1);
  await store.enqueueRuns(
    experiment.id,
    [
      [
        { hash: 'a'.repeat(64), paramsJson: '{"seed":1}' },
        { hash: 'b'.repeat(64), paramsJson: '{"seed":2}' },
      ],
    ],
    {
      now: 1,
      retries: 0,
    },
  );
  return { dir, store, objects: new ObjectStore(join(dir, 'objects')) };
}

function blobFiles(objectsDir: string): string[] {
  return readdirSync(objectsDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

test('two artifacts with the same content share one blob', async (t) => {
  const { dir, store, objects } = await storeWithRuns(t);
  writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
  writeFileSync(join(dir, 'b.csv'), 'x,y\n1,2\n');
  const a = await recordArtifact(store, objects, { id: 1, attempt: 1 }, 'preds.csv', join(dir, 'a.csv'), undefined, 10);
  const b = await recordArtifact(store, objects, { id: 2, attempt: 1 }, 'predictions.csv', join(dir, 'b.csv'), undefined, 11);
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(blobFiles(objects.root), [a.sha256]);
  assert.equal(readFileSync(objects.pathOf(a.sha256), 'utf8'), 'x,y\n1,2\n');
  assert.deepEqual(await store.listArtifacts(2), [
    { runId: 2, name: 'predictions.csv', attempt: 1, sha256: a.sha256, size: 8, mediaType: 'text/csv', createdAt: 11 },
  ]);
});

test('an artifact of the same name is replaced; the media type can be given', async (t) => {
  const { dir, store, objects } = await storeWithRuns(t);
  writeFileSync(join(dir, 'model'), 'v1');
  await recordArtifact(store, objects, { id: 1, attempt: 1 }, 'model', join(dir, 'model'), undefined, 10);
  writeFileSync(join(dir, 'model.pt'), 'v2');
  await recordArtifact(store, objects, { id: 1, attempt: 2 }, 'model', join(dir, 'model.pt'), 'application/x-custom', 20);
  const [only, ...rest] = await store.listArtifacts(1);
  assert.deepEqual(rest, []);
  assert.equal(only!.attempt, 2);
  assert.equal(only!.mediaType, 'application/x-custom');
  assert.equal(blobFiles(objects.root).length, 2, 'the old blob stays for other references');
});

test('media types come from the file extension', () => {
  assert.equal(mediaTypeOf('plot.PNG'), 'image/png');
  assert.equal(mediaTypeOf('model.pt'), 'application/x-pytorch');
  assert.equal(mediaTypeOf('data.parquet'), 'application/vnd.apache.parquet');
  assert.equal(mediaTypeOf('weights.bin'), 'application/octet-stream');
  assert.equal(mediaTypeOf('README'), 'application/octet-stream');
});

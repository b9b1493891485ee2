import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectStore } from '../../../src/track/object-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

test('the same content is stored once, under its sha256, read-only', async (t) => {
  const dir = tempDir(t);
  const objects = new ObjectStore(join(dir, 'objects'));
  const a = await objects.putBytes('hello');
  writeFileSync(join(dir, 'hello.txt'), 'hello');
  const b = await objects.putFile(join(dir, 'hello.txt'));
  assert.deepEqual(a, { sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', size: 5 });
  assert.deepEqual(b, a);
  assert.equal(readFileSync(objects.pathOf(a.sha256), 'utf8'), 'hello');
  assert.equal(statSync(objects.pathOf(a.sha256)).mode & 0o222, 0);
  assert.deepEqual(readdirSync(join(dir, 'objects', '2c')), [a.sha256], 'no temporary files left');
});

test('different contents get different objects and the source file is left alone', async (t) => {
  const dir = tempDir(t);
  const objects = new ObjectStore(join(dir, 'objects'));
  writeFileSync(join(dir, 'x'), Buffer.alloc(100_000, 7));
  const x = await objects.putFile(join(dir, 'x'));
  const y = await objects.putBytes(Buffer.alloc(100_000, 8));
  assert.notEqual(x.sha256, y.sha256);
  assert.equal(x.size, 100_000);
  assert.equal(readFileSync(join(dir, 'x')).length, 100_000);
});

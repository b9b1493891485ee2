import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { canonicalJson } from '../../../src/spec/canonical-json.js';
import { runHash } from '../../../src/spec/run-hash.js';
import { repoPath } from '../../helpers/paths.js';

interface Vector {
  name: string;
  params_json: string;
  canonical: string;
  sha256: string;
}

const { vectors } = JSON.parse(readFileSync(repoPath('test', 'vectors', 'hash.json'), 'utf8')) as { vectors: Vector[] };

for (const vector of vectors) {
  test(`hash vector: ${vector.name}`, () => {
    const params = JSON.parse(vector.params_json);
    assert.equal(canonicalJson(params), vector.canonical);
    assert.equal(runHash(params), vector.sha256);
  });
}

test('the vectors cover unicode, floats, nesting and key order', () => {
  const names = vectors.map((v) => v.name).join(' | ');
  for (const topic of ['unicode', 'floats', 'nested', 'key order']) assert.match(names, new RegExp(topic));
});

test('non-finite numbers have no canonical form', () => {
  assert.throws(() => canonicalJson({ x: Number.NaN }), /cannot be written as JSON/);
  assert.throws(() => canonicalJson({ x: Number.POSITIVE_INFINITY }), /cannot be written as JSON/);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Rng } from '../../../src/search/rng.js';
import { RandomSampler } from '../../../src/search/samplers/random-sampler.js';
import { defineSearchSpace } from '../../../src/search/space-schema.js';
import type { TrialParams } from '../../../src/search/types.js';
import { repoPath } from '../../helpers/paths.js';

interface Vectors {
  generator: Array<{ seed: string; stream: string; uint32: number[]; float: number[] }>;
  random_sampler: { search: unknown; seed: string; trials: Array<{ number: number; params: TrialParams }> };
}

// Written by an implementation independent of src/search/rng.ts (and checked against Vigna's C code).
const vectors = JSON.parse(readFileSync(repoPath('test', 'vectors', 'search-rng.json'), 'utf8')) as Vectors;

for (const { seed, stream, uint32, float } of vectors.generator) {
  test(`generator vector: seed ${seed}, stream ${stream}`, () => {
    const outputs = new Rng(BigInt(seed), BigInt(stream));
    assert.deepEqual(
      uint32.map(() => outputs.nextUint32()),
      uint32,
    );
    const floats = new Rng(BigInt(seed), BigInt(stream));
    assert.deepEqual(
      float.map(() => floats.nextFloat()),
      float,
    );
  });
}

test('the vectors cover 64-bit seeds, negative seeds and streams past 32 bits', () => {
  const seeds = vectors.generator.map((v) => BigInt(v.seed));
  assert.ok(seeds.some((s) => s > 2n ** 53n));
  assert.ok(seeds.some((s) => s < 0n));
  assert.ok(vectors.generator.some((v) => BigInt(v.stream) > 2n ** 32n));
});

test('a negative seed is its 64-bit two’s complement', () => {
  assert.equal(new Rng(-1).nextUint32(), new Rng(2n ** 64n - 1n).nextUint32());
});

test('the random sampler draws the vectors’ trials, each from the stream of its number', () => {
  const { search, seed, trials } = vectors.random_sampler;
  const space = defineSearchSpace(search);
  const sampler = new RandomSampler();
  for (const { number, params } of trials) {
    const drawn = sampler.ask(space, { directions: ['minimize'], trials: [] }, new Rng(BigInt(seed), number));
    assert.deepEqual(Object.keys(drawn), Object.keys(params), `trial ${number}`);
    for (const [name, expected] of Object.entries(params)) {
      // exp and log are each platform's own and may differ in the last bit (docs/search.md).
      if (typeof expected === 'number' && !Number.isInteger(expected))
        assert.ok(Math.abs((drawn[name] as number) / expected - 1) < 1e-12, `${number}.${name}`);
      else assert.equal(drawn[name], expected, `trial ${number}: ${name}`);
    }
  }
  const kinds = new Set(trials.flatMap((t) => Object.keys(t.params)));
  assert.ok(kinds.has('gamma') && kinds.has('degree'), 'both conditional branches appear');
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

/** Every relative import of every source file under src/, as paths relative to src/. */
function importsOf(folder: string): Array<{ file: string; target: string }> {
  const src = repoPath('src');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
    });
  return walk(join(src, folder)).flatMap((path) =>
    [...readFileSync(path, 'utf8').matchAll(/(?:^|\n)(?:import|export)[^'"]*?from '(\.[^']+)'/g)].map((m) => ({
      file: relative(src, path),
      target: relative(src, resolve(dirname(path), m[1] as string)).replace(/\.js$/, '.ts'),
    })),
  );
}

test('the query layer imports nothing from the store', () => {
  const offending = importsOf('query').filter(({ target }) => target.startsWith('store/'));
  assert.deepEqual(offending, []);
});

test('the store imports from the query layer only its dialect interface', () => {
  const offending = importsOf('store').filter(({ target }) => target.startsWith('query/') && target !== 'query/dialect.ts');
  assert.deepEqual(offending, []);
});

test('the domain depends on nothing but the spec types, the query contract and the search types (of trials)', () => {
  const allowed = new Set(['spec/types.ts', 'query/dialect.ts', 'search/types.ts']);
  const offending = importsOf('domain').filter(({ target }) => !target.startsWith('domain/') && !allowed.has(target));
  assert.deepEqual(offending, []);
});

test('the domain types are not owned by the store: nothing re-exports them from store/types.ts', () => {
  const types = readFileSync(repoPath('src', 'store', 'types.ts'), 'utf8');
  for (const name of ['RUN_STATES', 'RunRecord', 'ExperimentRecord', 'MetricSummary', 'ArtifactRecord']) {
    assert.doesNotMatch(types, new RegExp(`export (?:const|interface|type) ${name}\\b`), name);
  }
});

test('nothing outside the queue reaches through it to the store (queue.store)', () => {
  const src = repoPath('src');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
    });
  const offending = walk(src)
    .filter((path) => !relative(src, path).startsWith('queue/'))
    .filter((path) => /\bqueue\.store\b/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(src, path));
  assert.deepEqual(offending, []);
});

test('the worker talks to the queue and its run tracking, never to the store', () => {
  const offending = importsOf('runner').filter(
    ({ file, target }) =>
      (file === 'runner/worker.ts' || file === 'runner/worker-stop.ts') && target.startsWith('store/') && target !== 'store/types.ts',
  );
  assert.deepEqual(offending, []);
  const worker = readFileSync(repoPath('src', 'runner', 'worker.ts'), 'utf8');
  assert.doesNotMatch(worker, /\bStore\b|performance\.now\(\)|hostname\(\)|process\.pid/);
});

import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Entity } from '../../src/domain/provenance.js';
import { newEntity } from '../../src/lineage/entity-id.js';
import type { NewEntity, ProvenanceStore } from '../../src/store/provenance-types.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from './temp-dir.js';

export const T0 = Date.UTC(2026, 0, 1);

/** A fresh SQLite store in a temporary directory, closed after the test. */
export function openTempStore(t: TestContext): SqliteStore {
  const dir = tempDir(t);
  const store = new SqliteStore(join(dir, 'labbook.db'), dir);
  t.after(() => store.close());
  return store;
}

export const hex = (seed: string): string => seed.repeat(64).slice(0, 64);

export function dataset(name: string, contentHash: string, extra: Partial<Entity & { kind: 'dataset' }> = {}): Entity {
  return { kind: 'dataset', name, version: '1', contentHash, columns: [{ name: 'x', type: 'float64' }], rows: 100, ...extra } as Entity;
}

export function model(name: string, trainedOn: string, hyperParameters: Record<string, number> = { C: 1 }): Entity {
  return { kind: 'model', name, algorithm: 'sklearn.svm.SVC', hyperParameters, trainedOn };
}

export function evaluation(model: string, on: string, value: number, extra: Partial<Entity & { kind: 'evaluation' }> = {}): Entity {
  return {
    kind: 'evaluation',
    name: 'accuracy',
    task: 'digits',
    metric: { name: 'accuracy', definition: 'sklearn.metrics.accuracy_score', higherIsBetter: true },
    value,
    model,
    dataset: on,
    ...extra,
  } as Entity;
}

/** Writes the entities in order; answers their ids. */
export async function record(store: ProvenanceStore, ...entities: Entity[]): Promise<string[]> {
  const news: NewEntity[] = entities.map(newEntity);
  await store.recordEntities(news, T0);
  return news.map((entity) => entity.uid);
}

/** A training set, a test set, a model trained on the first and its evaluation on the second. */
export async function smallLineage(store: ProvenanceStore, accuracy = 0.9) {
  const [train, test] = await record(store, dataset('digits-train', hex('a')), dataset('digits-test', hex('b')));
  const [svc] = await record(store, model(`svc-${accuracy}`, train as string));
  const [evaluated] = await record(store, evaluation(svc as string, test as string, accuracy));
  return { train: train as string, test: test as string, model: svc as string, evaluation: evaluated as string };
}

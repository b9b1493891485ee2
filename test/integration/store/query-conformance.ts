import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunFilter } from '../../../src/domain/index.js';
import { type AggregateSpec, aggregateTable, parseRunCondition } from '../../../src/query/index.js';
import type { Store } from '../../../src/store/types.js';
import { INJECTION, queryFixture } from './query-fixture.js';
import type { StoreFactory } from './store-conformance.js';

/** Aggregates through the query layer, which parses the keys and sorts the groups the store returns. */
const aggregated = async (store: Store, filter: RunFilter, request: { groupBy: string[]; aggregates: AggregateSpec[] }) =>
  (await aggregateTable(store, filter, request)).result;

const ids = async (store: Store, query: string, experiments = ['cv']) =>
  (await store.listRuns({ experiments, query: parseRunCondition(query) })).map((r) => r.id);

async function fixture(makeStore: StoreFactory, t: import('node:test').TestContext): Promise<Store> {
  const store = await makeStore(t);
  await queryFixture(store);
  return store;
}

/** How every backend answers queries, groups and aggregates (fixture: query-fixture.ts). */
export function describeQueryConformance(backend: string, makeStore: StoreFactory): void {
  describe(`Query conformance: ${backend}`, () => {
    test('comparison operators on parameters, JSON types kept apart', async (t) => {
      const store = await fixture(makeStore, t);
      const cases: Array<[string, number[]]> = [
        ['lr == 0.1', [1, 3]],
        ['lr != 0.1', [2, 4, 5]],
        ['lr < 0.1', [2]],
        ['lr <= 0.1', [1, 2, 3]],
        ['lr > 0.1', [5]],
        ['lr >= 0.1', [1, 3, 5]],
        ['lr == "0.1"', [4]],
        ['model == "svc"', [1, 2, 5]],
        ['model > "s"', [1, 2, 5]],
        ['0.1 < lr', [5]],
        ['flag == true', [1]],
        ['flag == false', [2]],
        ['flag == null', [3, 4, 5]],
        ['flag != null', [1, 2]],
        ['seed == 1', [1, 3, 5]],
        ['opt.m == 0.9', [1]],
        ['params.opt.m >= 0.9', [1]],
        ['params.dataset == "wine"', [4, 5]],
        ['settings.n_fold == 5', [1, 2, 3, 4, 5]],
        ['result.score >= 0.8', [1, 2]],
        ['result.score == null', [4, 5]],
        ['score >= 0.8', [1, 2]],
      ];
      for (const [query, expected] of cases) assert.deepEqual(await ids(store, query), expected, query);
    });

    test('in, not in, and, or, not, parentheses and their precedence', async (t) => {
      const store = await fixture(makeStore, t);
      const cases: Array<[string, number[]]> = [
        ['model in ["rf"]', [3, 4]],
        ['lr in [0.1, 0.5]', [1, 3, 5]],
        ['lr in ["0.1"]', [4]],
        ['lr in [0.01, "0.1"]', [2, 4]],
        ['flag in [true, null]', [1, 3, 4, 5]],
        ['model not in ["rf"]', [1, 2, 5]],
        ['model in []', []],
        ['model not in []', [1, 2, 3, 4, 5]],
        ['dataset == "digits" & model == "svc"', [1, 2]],
        ['dataset == "digits" and model == "svc"', [1, 2]],
        ['model == "rf" | lr > 0.1', [3, 4, 5]],
        ['model == "rf" or lr > 0.1', [3, 4, 5]],
        ['~ model == "svc"', [3, 4]],
        ['not model == "svc"', [3, 4]],
        ['not lr == 0.1', [2, 4, 5]],
        ['model == "rf" | dataset == "digits" & seed == 2', [2, 3, 4]],
        ['(model == "rf" | dataset == "digits") & seed == 2', [2, 4]],
        ['not (model == "rf" | seed == 2)', [1, 5]],
        ['not model == "rf" & seed == 1', [1, 5]],
      ];
      for (const [query, expected] of cases) assert.deepEqual(await ids(store, query), expected, query);
    });

    test('run fields, timings and metric summaries', async (t) => {
      const store = await fixture(makeStore, t);
      const cases: Array<[string, number[]]> = [
        ['state == "COMPLETED"', [1, 2, 3]],
        ['state == "failed"', [4]],
        ['state in ["PENDING", "FAILED"]', [4, 5]],
        ['id > 3', [4, 5]],
        ['attempt == 1', [1, 2, 3, 4]],
        ['exit_code == 3', [4]],
        ['failure_reason == "error"', [4]],
        ['duration > 15', [2, 3, 4]],
        ['duration == null', [5]],
        ['started >= "2026-01-01T00:00:02Z"', [3, 4]],
        ['finished < 1767225625000', [1, 2]],
        ['experiment == "cv"', [1, 2, 3, 4, 5]],
        ['metrics.acc > 0.75', [1, 2]],
        ['metrics.acc.last > 0.75', [1, 2]],
        ['metrics.acc.first < 0.6', [1]],
        ['metrics.acc.min < 0.6', [1]],
        ['metrics.acc.max >= 0.9', [1]],
        ['metrics.acc.count == 2', [1]],
        ['metrics.val.loss < 0.35', [1, 2]],
        ['metrics.val.loss.min <= 0.2', [1]],
        ['val.loss.max >= 0.4', [1, 3]],
        ['acc == null', [4, 5]],
        ['metrics.acc < metrics.val.loss', []],
        ['metrics.acc.max > metrics.acc.min', [1]],
      ];
      for (const [query, expected] of cases) assert.deepEqual(await ids(store, query), expected, query);
      const [run1] = await store.listRuns({ query: parseRunCondition('metrics.acc.count == 2') });
      assert.equal(run1?.id, 1);
      assert.equal((await store.listRuns({ query: parseRunCondition('lr == 1') })).length, 1, 'no experiment filter: all experiments');
    });

    test('SQL injection attempts are values, never SQL: nothing happens and the runs stay', async (t) => {
      const store = await fixture(makeStore, t);
      const attempts = [
        `model == "x'; DROP TABLE runs; --"`,
        `model == 'x"; DELETE FROM runs; --'`,
        `model == "svc' OR '1'='1"`,
        `model in ["a') OR 1=1 --", "svc\\"; DROP TABLE experiments; --"]`,
        `note == "${INJECTION.replace(/'/g, "\\'")}"`,
      ];
      assert.deepEqual(await ids(store, attempts[0] as string), []);
      assert.deepEqual(await ids(store, attempts[1] as string), []);
      assert.deepEqual(await ids(store, attempts[2] as string), []);
      assert.deepEqual(await ids(store, attempts[3] as string), []);
      assert.deepEqual(await ids(store, attempts[4] as string), [5], 'the note is matched as the plain text it is');
      assert.equal(await store.cancelRuns({ query: parseRunCondition(attempts[0] as string) }, Date.now()), 0);
      assert.equal((await store.listRuns({})).length, 6);
      assert.equal((await store.listExperiments()).length, 2);
    });

    test('unknown keys and misused values are errors with codes, and change nothing', async (t) => {
      const store = await fixture(makeStore, t);
      await assert.rejects(ids(store, 'lrr == 1'), {
        code: 'LB_QUERY_UNKNOWN_KEY',
        message: /unknown key 'lrr' at column 1: did you mean 'lr'\?/,
      });
      await assert.rejects(ids(store, 'metrics.acc.mean > 1'), { code: 'LB_QUERY_UNKNOWN_KEY', message: /did you mean 'metrics\.acc'/ });
      await assert.rejects(ids(store, 'settings.nfold == 5'), { code: 'LB_QUERY_UNKNOWN_KEY', message: /did you mean 'settings\.n_fold'/ });
      await assert.rejects(ids(store, 'zzzzzzzz == 1'), { code: 'LB_QUERY_UNKNOWN_KEY', message: /known keys include dataset, flag, lr/ });
      const invalid: Array<[string, RegExp]> = [
        ['state == 3', /state is compared with == or in, to one of "PENDING"/],
        ['state == "DONE"', /state is compared with == or in/],
        ['state < "FAILED"', /state is compared with == or in/],
        ['1 == 1', /compare a key with a value/],
        ['lr < true', /'<' needs a number or a string, not true/],
        ['lr >= null', /'>=' needs a number or a string, not null/],
        ['metrics.acc == "high"', /metric 'metrics.acc' holds numbers/],
        ['id == "3"', /'id' is a number/],
        ['experiment == 3', /'experiment' is text/],
        ['started > "yesterday"', /'started' is a time/],
        ['1 in [1]', /put a key before 'in'/],
      ];
      for (const [query, message] of invalid) await assert.rejects(ids(store, query), { code: 'LB_QUERY_INVALID', message }, query);
      assert.equal(await store.cancelRuns({ experiments: ['cv'] }, Date.now()).catch(() => -1), 1);
    });

    test('the key catalog lists parameters, settings and metrics of the runs in scope', async (t) => {
      const store = await fixture(makeStore, t);
      assert.deepEqual(await store.keyCatalog({ experiments: ['cv'] }), {
        params: ['dataset', 'flag', 'lr', 'model', 'note', 'opt.m', 'seed'],
        settings: ['n_fold'],
        metrics: ['acc', 'val.loss'],
        results: ['score'],
      });
      assert.deepEqual((await store.keyCatalog({ experiments: ['other'] })).params, ['dataset', 'lr', 'model']);
    });

    test('group by two keys with mean, std, count, median, min, max, first, last (hand-computed)', async (t) => {
      const store = await fixture(makeStore, t);
      const aggregates = (['mean', 'std', 'count', 'median', 'min', 'max', 'first', 'last'] as const).map((fn) => ({
        fn,
        key: 'metrics.acc',
      }));
      const result = await aggregated(
        store,
        { experiments: ['cv'], states: ['COMPLETED'] },
        { groupBy: ['dataset', 'model'], aggregates: [...aggregates, { fn: 'count' }] },
      );
      assert.deepEqual(result.groupBy, ['dataset', 'model']);
      assert.deepEqual(
        result.rows.map((r) => r.group),
        [
          ['digits', 'rf'],
          ['digits', 'svc'],
        ],
      );
      const [rf, svc] = result.rows.map((r) => r.values) as [number[], number[]];
      assert.deepEqual(rf, [0.7, null, 1, 0.7, 0.7, 0.7, 0.7, 0.7, 1]);
      assert.ok(Math.abs((svc[0] as number) - 0.85) < 1e-12);
      assert.ok(Math.abs((svc[1] as number) - Math.SQRT1_2 / 10) < 1e-12, `sample std ${svc[1]}`);
      assert.deepEqual(svc.slice(2), [2, svc[3], 0.8, 0.9, 0.9, 0.8, 2]);
      assert.ok(Math.abs((svc[3] as number) - 0.85) < 1e-12);
    });

    test('aggregates over a query, group keys keep their JSON type, numbers only are averaged', async (t) => {
      const store = await fixture(makeStore, t);
      const result = await aggregated(
        store,
        { experiments: ['cv'], query: parseRunCondition('dataset == "digits" | state == "FAILED"') },
        { groupBy: ['lr'], aggregates: [{ fn: 'count' }, { fn: 'mean', key: 'seed' }, { fn: 'mean', key: 'result.score' }] },
      );
      assert.deepEqual(
        result.rows.map((r) => [r.group, r.values[0], r.values[1]]),
        [
          [[0.01], 1, 2],
          [[0.1], 2, 1],
          [['0.1'], 1, 2],
        ],
      );
      assert.ok(Math.abs((result.rows[1]?.values[2] as number) - 0.8) < 1e-12);
      const all = await aggregated(
        store,
        { experiments: ['cv'] },
        { groupBy: [], aggregates: [{ fn: 'count' }, { fn: 'max', key: 'duration' }] },
      );
      assert.deepEqual(all.rows, [{ group: [], values: [5, 40] }]);
      await assert.rejects(aggregated(store, {}, { groupBy: ['datset'], aggregates: [] }), { code: 'LB_QUERY_UNKNOWN_KEY' });
      await assert.rejects(aggregated(store, {}, { groupBy: [], aggregates: [{ fn: 'mean' }] }), { code: 'LB_QUERY_INVALID' });
    });

    test('without runs in scope a query matches nothing: no key is unknown where none is known', async (t) => {
      const empty = await makeStore(t);
      const queries = ['lr > 0.1', 'params.opt.m == 1 & settings.n_fold == 5', 'metrics.acc.max > 0.5 | result.score < 1', 'lrr == 1'];
      for (const query of queries) assert.deepEqual(await ids(empty, query, []), [], query);
      assert.deepEqual(
        (await aggregated(empty, { query: parseRunCondition('lr > 0') }, { groupBy: ['model'], aggregates: [{ fn: 'mean', key: 'acc' }] }))
          .rows,
        [],
      );
      const store = await fixture(makeStore, t);
      assert.deepEqual(await ids(store, 'lrr == 1', ['no-such-experiment']), []);
      await assert.rejects(ids(store, 'lrr == 1'), { code: 'LB_QUERY_UNKNOWN_KEY' }, 'with runs in scope, a typo is still an error');
    });

    test('count, cancel and reset accept a query', async (t) => {
      const store = await fixture(makeStore, t);
      assert.deepEqual(await store.countRuns({ query: parseRunCondition('model == "svc"') }), [
        { experiment: 'cv', state: 'COMPLETED', count: 2 },
        { experiment: 'cv', state: 'PENDING', count: 1 },
        { experiment: 'other', state: 'PENDING', count: 1 },
      ]);
      assert.equal(await store.resetRuns({ states: ['COMPLETED', 'FAILED'], query: parseRunCondition('model == "rf"') }, Date.now()), 2);
      assert.deepEqual(await ids(store, 'state == "PENDING"'), [3, 4, 5]);
      assert.equal(await store.cancelRuns({ query: parseRunCondition('dataset == "wine"') }, Date.now()), 2);
      assert.deepEqual(await ids(store, 'state == "CANCELLED"'), [4, 5]);
    });
  });
}

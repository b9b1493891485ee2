import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EntityFilterError, UsageError } from '../../../src/errors.js';
import {
  leaderboard,
  lineageGraph,
  parseEntityFilter,
  parseTolerance,
  regress,
  renderLineage,
  resolveEntity,
  selectEntities,
} from '../../../src/lineage/index.js';
import { dataset, evaluation, hex, model, openTempStore, record, smallLineage } from '../../helpers/provenance.js';

test('the evaluations of models trained on a dataset, through the filter', async (t) => {
  const store = openTempStore(t);
  const { train, test: testSet, evaluation: evaluated } = await smallLineage(store);
  const [other] = (await record(store, dataset('other-train', hex('c')))) as [string];
  const [otherModel] = (await record(store, model('svc-other', other))) as [string];
  await record(store, evaluation(otherModel, testSet, 0.5));
  const select = async (text: string) => (await selectEntities(store, parseEntityFilter(text))).map((e) => e.uid);
  assert.deepEqual(await select('kind=evaluation upstream=dataset:digits-train via=trained_on'), [evaluated]);
  assert.equal((await select(`kind=evaluation upstream=${testSet.slice(0, 8)} via=evaluated_on`)).length, 2);
  assert.deepEqual(await select(`kind=model upstream=${train.slice(0, 10)}`), [(await resolveEntity(store, 'model:svc-0.9')).uid]);
  assert.equal((await select('kind=evaluation metric=accuracy task=digits')).length, 2);
  assert.throws(() => parseEntityFilter('via=trained_on'), EntityFilterError);
  assert.throws(() => parseEntityFilter('colour=red'), /unknown filter key 'colour'/);
  assert.throws(() => parseEntityFilter('kind=modle'), /kind is one of dataset, transform/);
});

test('lineage shows one evaluation back to its datasets, as a tree, DOT, Mermaid and JSON', async (t) => {
  const store = openTempStore(t);
  const { evaluation: evaluated, train } = await smallLineage(store);
  const graph = await lineageGraph(store, evaluated, 'upstream');
  const tree = renderLineage(graph, 'text').split('\n');
  assert.match(tree[0] as string, /^evaluation accuracy [0-9a-f]{12} = 0\.9$/);
  assert.ok(
    tree.some((line) => /^├─ evaluated_on dataset digits-test@1 /.test(line) || /^└─ evaluated_on dataset digits-test@1/.test(line)),
  );
  assert.ok(
    tree.some((line) => /^[│ ] {2}└─ trained_on dataset digits-train@1 /.test(line)),
    tree.join('\n'),
  );
  assert.match(renderLineage(graph, 'dot'), new RegExp(`"${train.slice(0, 12)}" \\[label="dataset digits-train@1`));
  assert.match(renderLineage(graph, 'mermaid'), /^flowchart BT\n(.|\n)* -- trained_on --> e/);
  const json = JSON.parse(renderLineage(graph, 'json'));
  assert.deepEqual([json.root, json.nodes.length, json.edges.length], [evaluated, 4, 3]);
});

test('the leaderboard ranks comparable results and names why each other one is not comparable', async (t) => {
  const store = openTempStore(t);
  const [train, testSet, otherSplit] = (await record(
    store,
    dataset('digits-train', hex('a')),
    dataset('digits-test', hex('b')),
    dataset('digits-test', hex('9'), { version: '2' }),
  )) as [string, string, string];
  const models = (await record(store, model('a', train), model('b', train, { C: 2 }), model('c', train, { C: 3 }))) as [
    string,
    string,
    string,
  ];
  await record(
    store,
    evaluation(models[0], testSet, 0.8),
    evaluation(models[1], testSet, 0.9),
    evaluation(models[2], otherSplit, 0.99),
    evaluation(models[2], testSet, 0.7, { metric: { name: 'accuracy', definition: 'my.balanced_accuracy', higherIsBetter: true } }),
  );
  const board = await leaderboard(store, { task: 'digits', metric: 'accuracy' });
  assert.deepEqual(
    board.ranked.map((r) => [r.rank, r.model.name, r.value]),
    [
      [1, 'b', 0.9],
      [2, 'a', 0.8],
    ],
  );
  assert.deepEqual(
    board.incomparable.map((r) => [r.model.name, r.value]),
    [
      ['c', 0.99],
      ['c', 0.7],
    ],
  );
  assert.match(board.incomparable[0]?.reason as string, /computed on dataset digits-test@2 .* the board on dataset digits-test@1/);
  assert.match(
    board.incomparable[1]?.reason as string,
    /defined as my\.balanced_accuracy .* here, as sklearn\.metrics\.accuracy_score .* on the board/,
  );
  const onOther = await leaderboard(store, { metric: 'accuracy' }, 'dataset:digits-test@2');
  assert.deepEqual(
    onOther.ranked.map((r) => r.model.name),
    ['c'],
  );
});

test('cross-validation folds derive from their parent and their evaluations aggregate per fold set', async (t) => {
  const store = openTempStore(t);
  const [parent] = (await record(store, dataset('digits', hex('a')))) as [string];
  const folds = (await record(
    store,
    ...[0, 1, 2].map((index) =>
      dataset('digits-fold', hex(String(index + 1)), {
        version: String(index),
        derivedFrom: [parent],
        fold: { set: 'cv3', index, count: 3, part: 'test' },
      }),
    ),
  )) as string[];
  const [full, partial] = (await record(store, model('full', parent), model('partial', parent, { C: 5 }))) as [string, string];
  await record(store, ...folds.map((fold, i) => evaluation(full, fold, 0.7 + i / 10)));
  await record(store, ...folds.slice(0, 2).map((fold) => evaluation(partial, fold, 0.99)));
  assert.deepEqual(
    (await store.lineageEdges([folds[0] as string], 'upstream')).map((e) => [e.edge, e.to]),
    [['derived_from', parent]],
  );
  const board = await leaderboard(store, { metric: 'accuracy' });
  assert.equal(board.on, "3 folds of 'cv3'");
  assert.deepEqual(
    board.ranked.map((r) => [r.model.name, Number(r.value.toFixed(6)), r.evaluations.length]),
    [['full', 0.8, 3]],
  );
  assert.deepEqual(
    board.incomparable.map((r) => [r.model.name, r.reason]),
    [['partial', "only 2 of the 3 folds of 'cv3' were evaluated"]],
  );
});

test('regress fails a candidate worse than its best comparable baseline beyond the tolerance, and passes a better one', async (t) => {
  const store = openTempStore(t);
  const [train, testSet] = (await record(store, dataset('digits-train', hex('a')), dataset('digits-test', hex('b')))) as [string, string];
  const [released, worse, better] = (await record(
    store,
    model('released', train),
    model('worse', train, { C: 2 }),
    model('better', train, { C: 3 }),
  )) as [string, string, string];
  const [baselineEval, worseEval, betterEval] = (await record(
    store,
    evaluation(released, testSet, 0.9),
    evaluation(worse, testSet, 0.85),
    evaluation(better, testSet, 0.95),
  )) as [string, string, string];
  await store.annotateEntity(baselineEval, {}, ['released'], 0);
  await store.annotateEntity(worseEval, {}, ['worse'], 0);
  await store.annotateEntity(betterEval, {}, ['better'], 0);
  const check = (candidate: string, tolerance = '0') =>
    regress(store, {
      baseline: parseEntityFilter('tag=released'),
      candidate: parseEntityFilter(candidate),
      metric: 'accuracy',
      tolerance: parseTolerance(tolerance),
    });
  const failing = await check('tag=worse');
  assert.deepEqual([failing.regressions, Number(failing.checks[0]?.worseBy?.toFixed(6))], [1, 0.05]);
  assert.equal((await check('tag=better')).regressions, 0);
  assert.equal((await check('tag=worse', '0.06')).regressions, 0, 'within the tolerance');
  assert.equal((await check('tag=worse', '5%')).regressions, 1, '5% of 0.9 is 0.045');
  assert.equal((await check('tag=worse', '6%')).regressions, 0);
  await assert.rejects(check('tag=nothing'), UsageError);
  assert.throws(() => parseTolerance('-1'), UsageError);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQuery } from '../../../src/query/compile.js';
import { catalogLookup } from '../../../src/query/keys.js';
import { parseQuery } from '../../../src/query/parser.js';
import { sqliteDialect } from '../../../src/store/sqlite/sql/query-dialect.js';

const lookup = catalogLookup({
  params: ['model', 'lr', "o'brien", 'opt.m'],
  settings: ['n_fold'],
  metrics: ['val.loss', 'acc'],
  results: ['score'],
});

const compile = (query: string) => compileQuery(parseQuery(query), lookup, sqliteDialect, query);

test('values and keys never reach the SQL text: they are bound parameters', () => {
  const hostile = [
    `model == "x'; DROP TABLE runs; --"`,
    `model in ["a') OR 1=1 --", "b\\"); DELETE FROM runs"]`,
    `settings.n_fold == "5 OR 1=1"`,
    `metrics.val.loss.min < 1 & result.score == "'; ATTACH DATABASE 'x' AS y; --"`,
  ];
  for (const query of hostile) {
    const { sql, params } = compile(query);
    assert.doesNotMatch(sql, /DROP|DELETE|ATTACH|OR 1=1|x'|model|n_fold|val\.loss|score/, query);
    assert.equal(sql.split('?').length - 1, params.length, `one bound value per placeholder: ${query}`);
  }
  const { params } = compile(hostile[0] as string);
  assert.ok(params.includes("x'; DROP TABLE runs; --"));
  assert.ok(params.includes('$."model"'));
});

test('identifiers in the SQL come from fixed whitelists (run fields, metric statistics)', () => {
  assert.match(compile('duration > 5').sql, /\(\(r\.finished_at - r\.started_at\) \/ 1000\.0\)/);
  assert.match(compile('metrics.val.loss.min < 1').sql, /SELECT min FROM metric_summaries WHERE run_id = r\.id AND key = \?/);
  assert.deepEqual(compile('metrics.val.loss.min < 1').params, ['val.loss', 1]);
  assert.deepEqual(compile('opt.m == 0.9').params, ['$."opt"."m"', '$."opt"."m"', 0.9]);
  assert.deepEqual(compile('settings.n_fold == 5').params, ['$."settings"."n_fold"', '$."settings"."n_fold"', 5]);
});

test('conditions compose with explicit parentheses in the order of precedence', () => {
  assert.equal(
    compile('state == "FAILED" | state == "CANCELLED" & not id == 3').sql,
    '(((r.state = ?) IS TRUE) OR (((r.state = ?) IS TRUE) AND (NOT ((r.id = ?) IS TRUE))))',
  );
  assert.deepEqual(compile('state == "failed" | id != 3').params, ['FAILED', 3]);
});

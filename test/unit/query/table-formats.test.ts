import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QueryInvalidError } from '../../../src/errors.js';
import { escapeLatex } from '../../../src/query/format/table-formats.js';
import type { AggregateResult } from '../../../src/query/index.js';
import { formatTable, parseAggregates, resultTable } from '../../../src/query/index.js';
import { assertGolden } from '../../helpers/golden.js';

/** Two datasets × two models; score as mean ± std, time as a median, and the run count. */
const RESULT: AggregateResult = {
  groupBy: ['dataset', 'model'],
  aggregates: parseAggregates('mean(score),std(score),median(time),count()'),
  rows: [
    { group: ['digits', 'rf'], values: [0.9123, 0.0101, 12.5, 5] },
    { group: ['digits', 'svc'], values: [0.9871, 0.004, 3.25, 5] },
    { group: ['wine_red', 'rf'], values: [0.75, null, 1.5, 1] },
    { group: ['wine_red', 'svc'], values: [null, null, null, 0] },
  ],
};

describe('table formats (golden files in test/golden)', () => {
  test('Markdown pairs mean and std, bolds the best mean per column', () => {
    assertGolden('table.md', formatTable(resultTable(RESULT), 'md', { digits: 3, best: 'max' }));
  });

  test('LaTeX is a booktabs tabular with $mean \\pm std$ and \\mathbf for the best', () => {
    assertGolden('table.tex', formatTable(resultTable(RESULT), 'latex', { digits: 3, best: 'min' }));
  });

  test('CSV keeps every aggregate in its own column at full precision', () => {
    assertGolden('table.csv', formatTable(resultTable(RESULT), 'csv', { digits: 3 }));
  });

  test('JSON and NDJSON are objects keyed by group key and aggregate', () => {
    const rows = JSON.parse(formatTable(resultTable(RESULT), 'json', { digits: 3 }));
    assert.deepEqual(rows[0], {
      dataset: 'digits',
      model: 'rf',
      'mean(score)': 0.9123,
      'std(score)': 0.0101,
      'median(time)': 12.5,
      'count()': 5,
    });
    const lines = formatTable(resultTable(RESULT), 'ndjson', { digits: 3 }).trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.deepEqual(JSON.parse(lines[3] as string)['mean(score)'], null);
  });

  test('LaTeX escapes the characters TeX treats specially', () => {
    assert.equal(
      escapeLatex('a_b & 50% #1 {x} $y ~ ^ \\'),
      'a\\_b \\& 50\\% \\#1 \\{x\\} \\$y \\textasciitilde{} \\textasciicircum{} \\textbackslash{}',
    );
  });
});

describe('aggregate lists', () => {
  test('functions with keys, count() without, and bare functions sharing the next key', () => {
    assert.deepEqual(parseAggregates('mean(score), std(score),count()'), [
      { fn: 'mean', key: 'score' },
      { fn: 'std', key: 'score' },
      { fn: 'count' },
    ]);
    assert.deepEqual(parseAggregates('mean,std(metrics.val.loss.min),median(time)'), [
      { fn: 'mean', key: 'metrics.val.loss.min' },
      { fn: 'std', key: 'metrics.val.loss.min' },
      { fn: 'median', key: 'time' },
    ]);
    assert.deepEqual(parseAggregates('first(a),last(a),min(a),max(a),count(a)'), [
      { fn: 'first', key: 'a' },
      { fn: 'last', key: 'a' },
      { fn: 'min', key: 'a' },
      { fn: 'max', key: 'a' },
      { fn: 'count', key: 'a' },
    ]);
  });

  test('unknown functions and missing keys are LB_QUERY_INVALID', () => {
    const cases: Array<[string, RegExp]> = [
      ['avg(score)', /unknown aggregate 'avg'; use one of mean, std, count, median, min, max, first, last/],
      ['mean()', /mean needs a key, e.g\. mean\(score\)/],
      ['mean', /mean needs a key/],
      ['mean(score', /expected an aggregate such as mean\(score\)/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseAggregates(text),
        (e: unknown) => e instanceof QueryInvalidError && message.test(e.message),
        text,
      );
    }
  });
});

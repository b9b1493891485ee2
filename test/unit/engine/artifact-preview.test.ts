import assert from 'node:assert/strict';
import { test } from 'node:test';
import { delimitedTable, jsonLinesTable } from '../../../src/engine/artifact-preview.js';

test('a CSV keeps quoted separators, doubled quotes and line breaks inside quotes in their cell', () => {
  const text = '\ufeffname,comment\r\n"a,b","say ""hi"""\r\nc,"two\nlines"\n\nd,\n';
  assert.deepEqual(delimitedTable(text, ',', false, 10), {
    kind: 'table',
    columns: ['name', 'comment'],
    rows: [
      ['a,b', 'say "hi"'],
      ['c', 'two\nlines'],
      ['d', ''],
    ],
    truncated: false,
  });
});

test('a table longer than maxRows, or read from a head cut mid-row, says it is truncated and drops the partial row', () => {
  assert.deepEqual(delimitedTable('x\n1\n2\n3\n', ',', false, 2).rows, [['1'], ['2']]);
  assert.equal(delimitedTable('x\n1\n2\n3\n', ',', false, 2).truncated, true);
  assert.equal(delimitedTable('x\n1\n2\n', ',', false, 2).truncated, false);
  const cut = delimitedTable('x,y\n1,2\n3,"unfinish', ',', true, 10);
  assert.deepEqual(cut.rows, [['1', '2']]);
  assert.equal(cut.truncated, true);
  assert.deepEqual(delimitedTable('a\t"b"\n1\t2\n', '\t', false, 5).columns, ['a', '"b"'], 'TSV has no quoting');
});

test('JSON lines: a column per key in order of appearance; other lines in `value`', () => {
  const table = jsonLinesTable('{"a": 1}\n{"b": {"c": 2}, "a": 3}\nnot json\n{"a": 4', true, 10);
  assert.deepEqual(table.columns, ['a', 'b', 'value']);
  assert.deepEqual(table.rows, [
    [1, null, null],
    [3, { c: 2 }, null],
    [null, null, 'not json'],
  ]);
  assert.equal(table.truncated, true);
});

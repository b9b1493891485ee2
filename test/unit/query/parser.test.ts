import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { QuerySyntaxError, QueryTooComplexError } from '../../../src/errors.js';
import type { Operand, QueryExpr } from '../../../src/query/ast.js';
import { MAX_QUERY_CONDITIONS, MAX_QUERY_NESTING, parseQuery } from '../../../src/query/parser.js';

/** The AST as compact text: keys bare, literals as JSON, groups in parentheses. */
function show(expr: QueryExpr): string {
  const operand = (o: Operand) => (o.kind === 'key' ? o.text : JSON.stringify(o.value));
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `(${show(expr.left)} ${expr.kind} ${show(expr.right)})`;
    case 'not':
      return `not ${show(expr.operand)}`;
    case 'compare':
      return `${operand(expr.left)} ${expr.op} ${operand(expr.right)}`;
    case 'in':
      return `${operand(expr.operand)} ${expr.negated ? 'not in' : 'in'} [${expr.values.map(operand).join(', ')}]`;
  }
}

describe('query parser: operators', () => {
  for (const op of ['==', '!=', '<', '>', '<=', '>=']) {
    test(`comparison ${op}`, () => {
      assert.equal(show(parseQuery(`lr ${op} 0.1`)), `lr ${op} 0.1`);
      assert.equal(show(parseQuery(`lr${op}0.1`)), `lr ${op} 0.1`);
    });
  }

  test('in and not in take lists of literals, trailing comma allowed', () => {
    assert.equal(show(parseQuery('model in ["svc", \'rf\', 3, true, null,]')), 'model in ["svc", "rf", 3, true, null]');
    assert.equal(show(parseQuery('model not in []')), 'model not in []');
  });

  test('& and "and", | and "or", ~ and "not" are synonyms', () => {
    assert.equal(show(parseQuery('a == 1 & b == 2')), show(parseQuery('a == 1 and b == 2')));
    assert.equal(show(parseQuery('a == 1 | b == 2')), show(parseQuery('a == 1 or b == 2')));
    assert.equal(show(parseQuery('~ a == 1')), show(parseQuery('not a == 1')));
    assert.equal(show(parseQuery('a == 1 && b == 2 || c == 3')), '((a == 1 and b == 2) or c == 3)');
  });

  test('literals: strings with escapes, numbers, constants (Python spellings too)', () => {
    assert.equal(show(parseQuery(String.raw`s == "a\"b\\c\n\u00e9"`)), String.raw`s == "a\"b\\c\né"`);
    assert.equal(show(parseQuery(String.raw`s == 'it\'s'`)), `s == "it's"`);
    assert.equal(show(parseQuery('x == -1.5e-3')), 'x == -0.0015');
    assert.equal(show(parseQuery('x == .5')), 'x == 0.5');
    // As overrides (lr=10.) and MLXP's queries write them.
    assert.equal(show(parseQuery('optimizer.lr <= 10.')), 'optimizer.lr <= 10');
    assert.equal(show(parseQuery('(x == -1.)')), 'x == -1');
    assert.equal(show(parseQuery('x == 10.e-3')), 'x == 0.01');
    assert.equal(show(parseQuery('x == True | x == False | x == None')), '((x == true or x == false) or x == null)');
  });

  test('dotted keys, with slashes and dashes inside segments', () => {
    assert.equal(show(parseQuery('metrics.val.loss.min < 0.3')), 'metrics.val.loss.min < 0.3');
    assert.equal(show(parseQuery('metrics.train/loss-avg.top1 > 1')), 'metrics.train/loss-avg.top1 > 1');
  });

  test('a literal may come first', () => {
    assert.equal(show(parseQuery('0.1 < lr')), '0.1 < lr');
  });
});

describe('query parser: precedence (not > comparison > and > or)', () => {
  const cases: Array<[string, string]> = [
    ['a == 1 | b == 2 & c == 3', '(a == 1 or (b == 2 and c == 3))'],
    ['a == 1 & b == 2 | c == 3', '((a == 1 and b == 2) or c == 3)'],
    ['(a == 1 | b == 2) & c == 3', '((a == 1 or b == 2) and c == 3)'],
    ['not a == 1 & b == 2', '(not a == 1 and b == 2)'],
    ['~(a == 1 & b == 2)', 'not (a == 1 and b == 2)'],
    ['not not a == 1', 'not not a == 1'],
    ['a == 1 | b == 2 | c == 3', '((a == 1 or b == 2) or c == 3)'],
    ['a == 1 & b == 2 & c == 3', '((a == 1 and b == 2) and c == 3)'],
    ['~a in [1] | b not in [2]', '(not a in [1] or b not in [2])'],
    ['((a == 1))', 'a == 1'],
  ];
  for (const [query, expected] of cases) {
    test(query, () => assert.equal(show(parseQuery(query)), expected));
  }
});

/** Each malformed query with the column and the message it must report. */
const MALFORMED: Array<[string, number, string]> = [
  ['', 1, 'expected a condition such as lr == 0.1, found end of query'],
  ['   ', 4, 'expected a condition such as lr == 0.1, found end of query'],
  ['lr', 3, "expected an operator (==, !=, <, >, <=, >=, in, not in) after key 'lr', found end of query"],
  ['lr ==', 6, "expected a value (a string, number, true, false or null) after '==', found end of query"],
  ['lr = 0.1', 4, "expected '==' to compare ('=' alone is not an operator), found '='"],
  ['lr 0.1', 4, "expected an operator (==, !=, <, >, <=, >=, in, not in) after key 'lr', found number 0.1"],
  ['(lr == 1', 9, "expected ')' to close the '(' at column 1, found end of query"],
  ['lr == 1)', 8, "expected end of query (this ')' closes nothing), found ')'"],
  ['lr == "abc', 7, 'expected a closing " for the string that starts here, found end of query'],
  ["lr == 'abc", 7, "expected a closing ' for the string that starts here, found end of query"],
  [String.raw`lr == 'a\q'`, 9, String.raw`expected an escape such as \n, \t, \\, \' or \uXXXX, found '\q'`],
  [String.raw`s == "\u12"`, 7, String.raw`expected four hex digits after \u, found '\u12"'`],
  ['lr in 1', 7, 'expected \'[\' to start the list after \'in\' (as in: model in ["svc", "rf"]), found number 1'],
  ['lr in [1, 2', 12, "expected ',' or ']' to close the '[' at column 7, found end of query"],
  ['lr in [1,,2]', 10, "expected a value (a string, number, true, false or null) in the list, found ','"],
  ['lr in [1 2]', 10, "expected ',' or ']' to close the '[' at column 7, found number 2"],
  ['lr in [a]', 8, "expected a value (a string, number, true, false or null) in the list, found key 'a'"],
  ['& lr == 1', 1, "expected a condition such as lr == 0.1, found '&'"],
  ['lr == 1 &', 10, 'expected a condition such as lr == 0.1, found end of query'],
  ['lr == 1 | | x == 2', 11, "expected a condition such as lr == 0.1, found '|'"],
  ['lr == 1 x == 2', 9, "expected '&', '|' or end of query, found key 'x'"],
  ['lr ! 1', 4, "expected '!=' or '~' for negation, found '!'"],
  ['lr == #', 7, "expected a key, a value, an operator or a parenthesis, found '#'"],
  ['lr == 1.2.3', 7, "expected a number such as 3, -0.5 or 1e-3, found '1.2.3'"],
  ['lr == 1e', 7, "expected a number such as 3, -0.5 or 1e-3, found '1e'"],
  ['lr == 10.x', 7, "expected a number such as 3, -0.5 or 1e-3, found '10.x'"],
  ['lr == 10..5', 7, "expected a number such as 3, -0.5 or 1e-3, found '10..5'"],
  ['lr == 3abc', 7, "expected a number such as 3, -0.5 or 1e-3, found '3abc'"],
  ['lr <> 1', 5, "expected a value (a string, number, true, false or null) after '<', found '>'"],
  ['not', 4, 'expected a condition such as lr == 0.1, found end of query'],
  ['lr not 1', 8, "expected 'in' after 'not' (as in: model not in [\"svc\"]), found number 1"],
  ['lr == [1]', 7, "expected a value (a string, number, true, false or null) after '==' (a list [..] may only follow 'in'), found '['"],
  ['()', 2, "expected a condition such as lr == 0.1, found ')'"],
  ['lr == 1 and', 12, 'expected a condition such as lr == 0.1, found end of query'],
  ['lr === 1', 6, "expected '==' to compare ('=' alone is not an operator), found '='"],
  ['.lr == 1', 1, "expected a number such as 3, -0.5 or 1e-3, found '.lr'"],
  ['lr. == 1', 4, "expected a key segment after '.' (e.g. params.model.name), found ' '"],
  ['metrics..loss < 1', 9, "expected a key segment after '.' (e.g. params.model.name), found '.'"],
  ["lr == 'x' 'y'", 11, "expected '&', '|' or end of query, found string 'y'"],
  ['[1] in lr', 1, "expected a condition such as lr == 0.1 (a list [..] may only follow 'in'), found '['"],
  ['lr ~ 1', 4, "expected an operator (==, !=, <, >, <=, >=, in, not in) after key 'lr', found '~'"],
  ['lr >= ', 7, "expected a value (a string, number, true, false or null) after '>=', found end of query"],
  ['lr == 1 ; DROP TABLE runs', 9, "expected a key, a value, an operator or a parenthesis, found ';'"],
  ['(a == 1) (b == 2)', 10, "expected '&', '|' or end of query, found '('"],
];

describe('query parser: malformed queries say where and what was expected', () => {
  test('there are at least 30 of them', () => assert.ok(MALFORMED.length >= 30));
  for (const [query, column, message] of MALFORMED) {
    test(JSON.stringify(query), () => {
      assert.throws(
        () => parseQuery(query),
        (error: unknown) => {
          assert.ok(error instanceof QuerySyntaxError);
          assert.equal(error.code, 'LB_QUERY_SYNTAX');
          assert.equal(error.column, column);
          assert.equal(error.message.split('\n')[0], `query syntax error at column ${column}: ${message}`);
          assert.equal(error.message.split('\n')[2], `  ${' '.repeat(column - 1)}^`);
          return true;
        },
      );
    });
  }
});

describe('query parser: limits keep deep or long queries from exhausting the stack or SQLite', () => {
  const tooComplex = (query: string, column: number, detail: RegExp) =>
    assert.throws(
      () => parseQuery(query),
      (error: unknown) => {
        assert.ok(error instanceof QueryTooComplexError);
        assert.equal(error.code, 'LB_QUERY_TOO_COMPLEX');
        assert.equal(error.column, column);
        assert.match(error.message.split('\n')[0] as string, detail);
        return true;
      },
    );
  const chain = (n: number) => Array.from({ length: n }, (_, i) => `lr == ${i}`).join(' | ');

  test(`${MAX_QUERY_NESTING} nested parentheses and negations parse; one more is refused where it opens`, () => {
    const nested = (n: number) => `${'('.repeat(n)}lr == 1${')'.repeat(n)}`;
    assert.equal(show(parseQuery(nested(MAX_QUERY_NESTING))), 'lr == 1');
    tooComplex(nested(MAX_QUERY_NESTING + 1), MAX_QUERY_NESTING + 1, /more than 64 parentheses and negations nested/);
    tooComplex(`${'not '.repeat(10_000)}lr == 1`, 4 * MAX_QUERY_NESTING + 1, /more than 64 parentheses and negations nested/);
    tooComplex(`${'~('.repeat(5_000)}lr == 1${')'.repeat(5_000)}`, MAX_QUERY_NESTING + 1, /nested/);
  });

  test('nesting is counted along one path, not over the whole query', () => {
    const group = `${'('.repeat(40)}lr == 1${')'.repeat(40)}`;
    assert.doesNotThrow(() => parseQuery(`${group} | ${group} & not ${group}`));
  });

  test(`${MAX_QUERY_CONDITIONS} conditions parse; one more is refused at the first condition beyond`, () => {
    assert.doesNotThrow(() => parseQuery(chain(MAX_QUERY_CONDITIONS)));
    const refused = chain(MAX_QUERY_CONDITIONS + 1);
    tooComplex(
      refused,
      refused.lastIndexOf('lr') + 1,
      /more than 256 conditions; list the values a key may take instead, e\.g\. id in \[1, 2, 3\]/,
    );
    tooComplex(chain(3000), refused.lastIndexOf('lr') + 1, /more than 256 conditions/);
  });

  test('a list counts as one condition, whatever its length', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => i).join(', ');
    assert.doesNotThrow(() => parseQuery(`id in [${ids}]`));
  });
});

import { QuerySyntaxError, QueryTooComplexError } from '../errors.js';
import type { CompareOp, KeyOperand, LiteralOperand, Operand, QueryExpr } from './ast.js';
import { type Token, tokenize } from './lexer.js';

const VALUE = 'a value (a string, number, true, false or null)';
const CONDITION = 'a condition such as lr == 0.1';
const OPERATOR = 'an operator (==, !=, <, >, <=, >=, in, not in)';

/**
 * Limits that keep a query within the parser's stack and SQLite's (an expression at most 1000
 * deep): a chain of conditions compiles to a left-deep tree, each condition to ~10 levels.
 */
export const MAX_QUERY_NESTING = 64;
export const MAX_QUERY_CONDITIONS = 256;

/**
 * Recursive descent over: or := and ('|' and)* ; and := unary ('&' unary)* ;
 * unary := ('~' | 'not') unary | '(' or ')' | comparison. So `not` binds tightest and applies
 * to the comparison or group after it, then `and`, then `or`.
 */
export function parseQuery(query: string): QueryExpr {
  return new Parser(query).parse();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  /** Parentheses and negations open around the token being parsed. */
  private nesting = 0;
  private conditions = 0;

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  parse(): QueryExpr {
    const expr = this.or();
    const token = this.peek();
    if (token.kind !== 'end') {
      const expected = token.kind === ')' ? "end of query (this ')' closes nothing)" : "'&', '|' or end of query";
      this.fail(token, expected);
    }
    return expr;
  }

  private or(): QueryExpr {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): QueryExpr {
    let left = this.unary();
    while (this.peek().kind === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): QueryExpr {
    const token = this.peek();
    if (token.kind !== 'not' && token.kind !== '(') return this.comparison();
    this.next();
    if (++this.nesting > MAX_QUERY_NESTING) {
      this.tooComplex(token, `more than ${MAX_QUERY_NESTING} parentheses and negations nested; simplify the query`);
    }
    let expr: QueryExpr;
    if (token.kind === 'not') expr = { kind: 'not', operand: this.unary() };
    else {
      expr = this.or();
      const close = this.peek();
      if (close.kind !== ')') this.fail(close, `')' to close the '(' at column ${token.column}`);
      this.next();
    }
    this.nesting--;
    return expr;
  }

  private comparison(): QueryExpr {
    if (++this.conditions > MAX_QUERY_CONDITIONS) {
      this.tooComplex(
        this.peek(),
        `more than ${MAX_QUERY_CONDITIONS} conditions; list the values a key may take instead, e.g. id in [1, 2, 3]`,
      );
    }
    const left = this.operand(CONDITION);
    const token = this.next();
    if (token.kind === 'op') {
      return {
        kind: 'compare',
        op: token.text as CompareOp,
        left,
        right: this.operand(`${VALUE} after '${token.text}'`),
        column: token.column,
      };
    }
    if (token.kind === 'in') return { kind: 'in', negated: false, operand: left, values: this.list(), column: token.column };
    if (token.kind === 'not' && token.text === 'not') {
      if (this.peek().kind !== 'in') this.fail(this.peek(), "'in' after 'not' (as in: model not in [\"svc\"])");
      this.next();
      return { kind: 'in', negated: true, operand: left, values: this.list(), column: token.column };
    }
    return this.fail(token, `${OPERATOR} after ${left.kind === 'key' ? `key '${left.text}'` : 'the value'}`);
  }

  private operand(expected: string): Operand {
    const token = this.next();
    if (token.kind === 'key') return { kind: 'key', segments: token.segments as string[], text: token.text, column: token.column };
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'constant') {
      return { kind: 'literal', value: token.value ?? null, column: token.column };
    }
    if (token.kind === '[') return this.fail(token, `${expected} (a list [..] may only follow 'in')`);
    return this.fail(token, expected);
  }

  private list(): LiteralOperand[] {
    const open = this.next();
    if (open.kind !== '[') this.fail(open, '\'[\' to start the list after \'in\' (as in: model in ["svc", "rf"])');
    const values: LiteralOperand[] = [];
    while (this.peek().kind !== ']') {
      const token = this.next();
      if (token.kind !== 'string' && token.kind !== 'number' && token.kind !== 'constant') this.fail(token, `${VALUE} in the list`);
      values.push({ kind: 'literal', value: token.value ?? null, column: token.column });
      const separator = this.peek();
      if (separator.kind === ',') this.next();
      else if (separator.kind !== ']') this.fail(separator, `',' or ']' to close the '[' at column ${open.column}`);
    }
    this.next();
    return values;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position++;
    return token;
  }

  private fail(token: Token, expected: string): never {
    throw new QuerySyntaxError(this.query, token.column, expected, describe(token));
  }

  private tooComplex(token: Token, detail: string): never {
    throw new QueryTooComplexError(this.query, token.column, detail);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of query';
    case 'key':
      return `key '${token.text}'`;
    case 'string':
      return `string ${token.text}`;
    case 'number':
      return `number ${token.text}`;
    default:
      return `'${token.text}'`;
  }
}

/** One key on its own (a --group or aggregate argument), e.g. `metrics.val.loss.min`. */
export function parseKey(text: string): KeyOperand {
  const tokens = tokenize(text);
  const [first, second] = tokens as [Token, Token];
  if (first.kind !== 'key') throw new QuerySyntaxError(text, first.column, 'a key such as lr or metrics.val.loss', describe(first));
  if (second.kind !== 'end') throw new QuerySyntaxError(text, second.column, 'end of the key', describe(second));
  return { kind: 'key', segments: first.segments as string[], text: first.text, column: first.column };
}

import { RUN_STATES } from '../domain/run.js';
import { QueryInvalidError } from '../errors.js';
import type { CompareOp, KeyOperand, LiteralOperand, Operand, QueryExpr, Scalar } from './ast.js';
import { fragment, join, type QueryDialect, type SqlFragment, sqlOf } from './dialect.js';
import { type KeyLookup, type ResolvedKey, RUN_FIELDS, resolveKey } from './keys.js';

const FLIPPED: Record<CompareOp, CompareOp> = { '==': '==', '!=': '!=', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
const SQL_OP: Record<CompareOp, string> = { '==': '=', '!=': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=' };

/**
 * A parsed query as a WHERE condition, in SQL both backends read (`IS TRUE`, not SQLite's
 * `IS 1`). Every condition is two-valued (a run without the key
 * does not match `lr == 0.1`, and does match `lr != 0.1` and `not lr == 0.1`), and every value
 * is a bound parameter.
 */
export function compileQuery(expr: QueryExpr, lookup: KeyLookup, dialect: QueryDialect, query: string): SqlFragment {
  return new Compiler(lookup, dialect, query).condition(expr);
}

/** The SQL value of a key, for grouping and aggregating. */
export function keyValueSql(key: ResolvedKey, dialect: QueryDialect): SqlFragment {
  if (key.kind === 'field') return fragment(dialect.field(key.field));
  if (key.kind === 'metric') return dialect.metric(key.key, key.stat);
  return dialect.jsonValue(key.source, key.path);
}

class Compiler {
  constructor(
    private readonly lookup: KeyLookup,
    private readonly dialect: QueryDialect,
    private readonly query: string,
  ) {}

  condition(expr: QueryExpr): SqlFragment {
    switch (expr.kind) {
      case 'and':
      case 'or':
        return sqlOf(`($ ${expr.kind.toUpperCase()} $)`, this.condition(expr.left), this.condition(expr.right));
      case 'not':
        return sqlOf('(NOT $)', this.condition(expr.operand));
      case 'compare':
        return this.compare(expr.op, expr.left, expr.right, expr.column);
      case 'in': {
        const test = this.inList(expr.operand, expr.values, expr.column);
        return expr.negated ? sqlOf('(NOT $)', test) : test;
      }
    }
  }

  private compare(op: CompareOp, left: Operand, right: Operand, column: number): SqlFragment {
    if (left.kind === 'literal' && right.kind === 'key') return this.compare(FLIPPED[op], right, left, column);
    if (left.kind === 'literal') {
      return this.invalid(column, 'compare a key with a value (e.g. lr == 0.1), not two values');
    }
    if (op === '!=') return sqlOf('(NOT $)', this.compare('==', left, right, column));
    const key = this.resolve(left);
    if (right.kind === 'key') {
      const other = this.resolve(right);
      return sqlOf(`(($ ${SQL_OP[op]} $) IS TRUE)`, keyValueSql(key, this.dialect), keyValueSql(other, this.dialect));
    }
    const value = this.checkValue(key, left, right, op);
    if (key.kind === 'json') return this.compareJson(key, op, value);
    const sqlValue = keyValueSql(key, this.dialect);
    if (value === null) return sqlOf('($ IS NULL)', sqlValue);
    return sqlOf(`(($ ${SQL_OP[op]} $) IS TRUE)`, sqlValue, fragment('?', value));
  }

  /** JSON values compare only with literals of their own JSON type: "10" is not 10. */
  private compareJson(key: Extract<ResolvedKey, { kind: 'json' }>, op: CompareOp, value: Scalar): SqlFragment {
    const type = this.dialect.jsonType(key.source, key.path);
    if (value === null) return sqlOf("($ IS NULL OR $ = 'null')", type, type);
    if (typeof value === 'boolean') return sqlOf('(($ = $) IS TRUE)', type, fragment('?', String(value)));
    const types = typeof value === 'number' ? "('integer', 'real')" : "('text')";
    const sqlValue = this.dialect.jsonValue(key.source, key.path);
    return sqlOf(`(($ IN ${types} AND $ ${SQL_OP[op]} $) IS TRUE)`, type, sqlValue, this.dialect.jsonLiteral(value));
  }

  private inList(operand: Operand, values: LiteralOperand[], column: number): SqlFragment {
    if (operand.kind === 'literal') return this.invalid(column, 'put a key before \'in\' (e.g. model in ["svc", "rf"])');
    if (values.length === 0) return fragment('FALSE');
    const key = this.resolve(operand);
    const checked = values.map((v) => this.checkValue(key, operand, v, '=='));
    if (key.kind === 'json') {
      const strings = checked.filter((v): v is string => typeof v === 'string');
      const numbers = checked.filter((v): v is number => typeof v === 'number');
      const others = checked.filter((v) => v === null || typeof v === 'boolean');
      const value = this.dialect.jsonValue(key.source, key.path);
      const type = this.dialect.jsonType(key.source, key.path);
      const parts: SqlFragment[] = [];
      if (strings.length) parts.push(sqlOf("(($ = 'text' AND $) IS TRUE)", type, this.dialect.inList(value, strings)));
      if (numbers.length) parts.push(sqlOf("(($ IN ('integer', 'real') AND $) IS TRUE)", type, this.dialect.inList(value, numbers)));
      for (const other of others) parts.push(this.compareJson(key, '==', other));
      return sqlOf('($)', join(' OR ', ...parts));
    }
    const plain = checked.filter((v): v is string | number => v !== null);
    const parts = plain.length ? [sqlOf('($ IS TRUE)', this.dialect.inList(keyValueSql(key, this.dialect), plain))] : [];
    if (plain.length < checked.length) parts.push(sqlOf('($ IS NULL)', keyValueSql(key, this.dialect)));
    return sqlOf('($)', join(' OR ', ...parts));
  }

  private resolve(operand: KeyOperand): ResolvedKey {
    return resolveKey(operand, this.lookup, this.query);
  }

  /** The literal as the key's column holds it; a mismatch of kinds is LB_QUERY_INVALID. */
  private checkValue(key: ResolvedKey, operand: KeyOperand, literal: LiteralOperand, op: CompareOp): Scalar {
    const value = literal.value;
    const ordered = op !== '==' && op !== '!=';
    const name = operand.text;
    if (ordered && (value === null || typeof value === 'boolean')) {
      return this.invalid(literal.column, `'${op}' needs a number or a string, not ${value}`);
    }
    if (key.kind === 'json') return value;
    if (key.kind === 'metric') {
      if (typeof value === 'number' || value === null) return value;
      return this.invalid(literal.column, `metric '${name}' holds numbers; compare it with a number, not ${JSON.stringify(value)}`);
    }
    const type = RUN_FIELDS[key.field];
    if (value === null) return value;
    if (type === 'state') {
      const state = typeof value === 'string' ? value.toUpperCase() : '';
      if (ordered || !(RUN_STATES as readonly string[]).includes(state)) {
        return this.invalid(literal.column, `state is compared with == or in, to one of ${RUN_STATES.map((s) => `"${s}"`).join(', ')}`);
      }
      return state;
    }
    if (type === 'time') {
      const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
      if (Number.isNaN(ms)) {
        return this.invalid(literal.column, `'${name}' is a time: give a date such as "2026-11-24" or "2026-11-24T10:00:00Z"`);
      }
      return ms;
    }
    if (type === 'number' && typeof value !== 'number') {
      return this.invalid(literal.column, `'${name}' is a number; compare it with a number, not ${JSON.stringify(value)}`);
    }
    if (type === 'string' && typeof value !== 'string') {
      return this.invalid(literal.column, `'${name}' is text; compare it with a quoted string, not ${JSON.stringify(value)}`);
    }
    return value;
  }

  private invalid(column: number, detail: string): never {
    throw new QueryInvalidError(this.query, column, detail);
  }
}

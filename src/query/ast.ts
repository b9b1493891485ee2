/** The parsed form of a query: what the parser produces and the compiler reads. */

export type Scalar = string | number | boolean | null;

export type CompareOp = '==' | '!=' | '<' | '>' | '<=' | '>=';

/** A dotted key as written, e.g. `metrics.val.loss.min`; `column` is 1-based. */
export interface KeyOperand {
  kind: 'key';
  segments: string[];
  text: string;
  column: number;
}

export interface LiteralOperand {
  kind: 'literal';
  value: Scalar;
  column: number;
}

export type Operand = KeyOperand | LiteralOperand;

export type QueryExpr =
  | { kind: 'and' | 'or'; left: QueryExpr; right: QueryExpr }
  | { kind: 'not'; operand: QueryExpr }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand; column: number }
  | { kind: 'in'; negated: boolean; operand: Operand; values: LiteralOperand[]; column: number };

import { QueryInvalidError } from '../errors.js';
import { AGGREGATE_FNS, type AggregateFn } from './dialect.js';

/** `mean(score)`; `count()` has no key. `first` / `last` are in run order. `std` is the sample deviation. */
export interface AggregateSpec {
  fn: AggregateFn;
  key?: string;
}

const ITEM = /\s*([A-Za-z_]+)\s*(?:\(\s*([^()\s,]*)\s*\))?\s*(?:,|$)/y;

/**
 * `mean(score),std(score),count()`; a bare function takes the key of the next one that has
 * one, so `mean,std(score)` is `mean(score),std(score)`.
 */
export function parseAggregates(text: string): AggregateSpec[] {
  const items: Array<{ fn: AggregateFn; key: string | undefined; column: number }> = [];
  ITEM.lastIndex = 0;
  while (ITEM.lastIndex < text.length) {
    const column = ITEM.lastIndex + 1;
    const match = ITEM.exec(text);
    if (!match) throw new QueryInvalidError(text, column, 'expected an aggregate such as mean(score), std(score) or count()');
    const fn = (match[1] as string).toLowerCase();
    if (!(AGGREGATE_FNS as readonly string[]).includes(fn)) {
      throw new QueryInvalidError(text, column, `unknown aggregate '${match[1]}'; use one of ${AGGREGATE_FNS.join(', ')}`);
    }
    items.push({ fn: fn as AggregateFn, key: match[2] === undefined ? undefined : match[2] || '', column });
  }
  let pending: string | undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as (typeof items)[number];
    if (item.key === undefined) item.key = pending;
    else pending = item.key || undefined;
  }
  return items.map(({ fn, key, column }) => {
    if (!key && fn !== 'count') throw new QueryInvalidError(text, column, `${fn} needs a key, e.g. ${fn}(score)`);
    return key ? { fn, key } : { fn };
  });
}

/** `mean(score)`, `count()`: how an aggregate is written and shown. */
export function aggregateLabel(spec: AggregateSpec): string {
  return `${spec.fn}(${spec.key ?? ''})`;
}

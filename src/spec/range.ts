/**
 * `range(stop)`, `range(start, stop)`, `range(start, stop, step)` with Python's meaning:
 * the stop is excluded. Float steps are allowed; values are rounded to 12 significant
 * digits so that range(0, 1, 0.1) yields 0.3 and not 0.30000000000000004.
 */
const RANGE = /^\s*range\s*\((.*)\)\s*$/s;
/** The most values a range (or a number of seeds) may stand for. */
export const MAX_RANGE_VALUES = 10_000_000;

export function looksLikeRange(text: string): boolean {
  return /^\s*range\s*\(/.test(text);
}

/** The values of a range expression, or a message saying what is wrong with it. */
export function parseRange(text: string): { values: number[] } | { error: string } {
  const match = RANGE.exec(text);
  if (!match) return { error: `'${text}' is not a range: write range(stop), range(start, stop) or range(start, stop, step)` };
  const parts = (match[1] ?? '').split(',').map((p) => p.trim());
  if (parts.length > 3 || parts.some((p) => p === '')) {
    return { error: `'${text}' needs 1 to 3 numbers: range(stop), range(start, stop) or range(start, stop, step)` };
  }
  const numbers = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(numbers[i]));
  if (bad !== undefined) return { error: `'${bad}' in ${text.trim()} is not a number` };
  const [start, stop, step] =
    numbers.length === 1 ? [0, numbers[0] as number, 1] : [numbers[0] as number, numbers[1] as number, numbers[2] ?? 1];
  if (step === 0) return { error: `${text.trim()} has a step of 0; use a positive step, or a negative one to count down` };
  // Rounding the quotient first keeps float noise ((1.1 - 1) / 0.1 = 1.0000000000000009) from adding a value.
  const count = Math.ceil(Number(((stop - start) / step).toPrecision(12)));
  if (!(count > 0)) {
    return {
      error: `${text.trim()} is empty: with step ${step} it must go from a start ${step > 0 ? 'below' : 'above'} its stop (the stop is excluded)`,
    };
  }
  if (count > MAX_RANGE_VALUES) return { error: `${text.trim()} has ${count} values; at most ${MAX_RANGE_VALUES} are allowed` };
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(Number((start + i * step).toPrecision(12)));
  return { values };
}

/**
 * A whole number with commas between groups of three digits (`1,000,000`), as
 * `toLocaleString('en-US')` writes it, without loading the ICU number formatter, which costs
 * ~10 ms on its first call: `labbook add` and `run` paid that on every start for their help.
 */
export function withThousands(n: number): string {
  const [whole = '', fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

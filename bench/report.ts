/** One benchmark figure, printed as one JSON line (see STYLE.md, "Benchmarks"). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same work done by the peer tool or the bare baseline, in the same run. */
  baseline?: number;
  baselineLabel?: string;
  /** value / baseline. */
  ratio?: number;
  target?: string;
  [extra: string]: unknown;
}

export function report(figure: Figure): void {
  const rounded = Object.fromEntries(Object.entries(figure).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(4)) : v]));
  process.stdout.write(`${JSON.stringify(rounded)}\n`);
}

/** Seconds taken by `work` (best of `repeat` runs, to damp the noise of a shared machine). */
export async function bestSeconds(repeat: number, work: () => unknown | Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    await work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

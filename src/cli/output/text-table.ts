/** Columns aligned with spaces; numbers right-aligned. For humans on a terminal. */
export function textTable(header: string[], rows: Array<Array<string | number>>, options: { maxWidth?: number } = {}): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const lines = cells.map((row) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd(),
  );
  const max = options.maxWidth;
  return `${(max ? lines.map((l) => (l.length > max ? `${l.slice(0, max - 1)}…` : l)) : lines).join('\n')}\n`;
}

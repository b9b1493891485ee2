import type { JsonValue } from '../../spec/types.js';
import { aggregateLabel } from '../aggregate-spec.js';
import { type CellOptions, type ResultTable, tableCells } from '../result-table.js';
import { csvLine } from './csv.js';

export const TABLE_FORMATS = ['md', 'latex', 'csv', 'json', 'ndjson'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export function formatTable(table: ResultTable, format: TableFormat, options: CellOptions): string {
  switch (format) {
    case 'md':
      return markdownTable(table, options);
    case 'latex':
      return latexTable(table, options);
    case 'csv':
      return `${[tableHeader(table), ...tableRecords(table)].map(csvLine).join('\n')}\n`;
    case 'json':
      return `${JSON.stringify(tableObjects(table), null, 2)}\n`;
    case 'ndjson':
      return tableObjects(table)
        .map((row) => `${JSON.stringify(row)}\n`)
        .join('');
  }
}

/** GitHub-flavoured Markdown, aligned for reading as text; numbers right-aligned, the best value per column in bold. */
export function markdownTable(table: ResultTable, options: CellOptions): string {
  const header = table.columns.map((c) => escapeMarkdown(c.title));
  const body = tableCells(table, options).map((row) => row.map((cell) => (cell.best ? `**${cell.text}**` : escapeMarkdown(cell.text))));
  const right = table.columns.map((c) => c.kind !== 'group');
  const widths = header.map((h, i) => Math.max(3, h.length, ...body.map((row) => (row[i] as string).length)));
  const pad = (text: string, i: number) => (right[i] ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number));
  const rule = widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return `${[line(header.map(pad)), line(rule), ...body.map((row) => line(row.map(pad)))].join('\n')}\n`;
}

/** A booktabs tabular as papers print it: `$0.912 \pm 0.010$`, the best per column in bold. */
export function latexTable(table: ResultTable, options: CellOptions): string {
  const cells = tableCells(table, options);
  const spec = table.columns.map((c) => (c.kind === 'group' ? 'l' : 'r')).join('');
  const line = (row: string[]) => `${row.join(' & ')} \\\\`;
  const body = cells.map((row) =>
    row.map((cell, c) => {
      if (table.columns[c]?.kind === 'group') return escapeLatex(cell.text);
      if (cell.text === '') return '--';
      const math = cell.mean !== undefined && cell.std !== undefined ? `${cell.mean} \\pm ${cell.std}` : (cell.mean ?? cell.text);
      return cell.best ? `$\\mathbf{${math}}$` : `$${math}$`;
    }),
  );
  return [
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    line(table.columns.map((c) => escapeLatex(c.title))),
    '\\midrule',
    ...body.map(line),
    '\\bottomrule',
    '\\end{tabular}',
    '',
  ].join('\n');
}

/** Machine formats keep every aggregate in its own column, at full precision. */
function tableHeader(table: ResultTable): string[] {
  return [...table.result.groupBy, ...table.result.aggregates.map(aggregateLabel)];
}

function tableRecords(table: ResultTable): JsonValue[][] {
  return table.result.rows.map((row) => [...row.group, ...row.values]);
}

function tableObjects(table: ResultTable): Array<Record<string, JsonValue>> {
  const header = tableHeader(table);
  return tableRecords(table).map((record) => Object.fromEntries(header.map((h, i) => [h, record[i] ?? null])));
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

export function escapeLatex(text: string): string {
  return text.replace(/[\\&%$#_{}~^]/g, (c) => LATEX_SPECIAL[c] as string);
}

import { writeFileSync } from 'node:fs';
import { type ColumnSource, parquetWriteFile } from 'hyparquet-writer';
import type { ExportTable } from '../export.js';
import { csvLine } from './csv.js';

export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Text formats as a string (for stdout or a file); Parquet needs a file. */
export function exportText(table: ExportTable, format: Exclude<ExportFormat, 'parquet'>): string {
  if (format === 'csv') return `${[table.columns, ...table.rows].map(csvLine).join('\n')}\n`;
  const objects = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] ?? null])));
  if (format === 'json') return `${JSON.stringify(objects, null, 2)}\n`;
  return objects.map((o) => `${JSON.stringify(o)}\n`).join('');
}

export function writeExport(table: ExportTable, format: ExportFormat, file: string): void {
  if (format === 'parquet') parquetWriteFile({ filename: file, columnData: parquetColumns(table) });
  else writeFileSync(file, exportText(table, format));
}

/**
 * One typed column per export column: INT64 when every value is an integer, DOUBLE when every
 * value is a number, BOOLEAN or STRING when every value is one, otherwise JSON text for every
 * value (so 0.1 and "0.1" in one column stay apart).
 */
export function parquetColumns(table: ExportTable): ColumnSource[] {
  return table.columns.map((name, c) => {
    const values = table.rows.map((row) => row[c] ?? null);
    const present = values.filter((v) => v !== null);
    if (present.length > 0 && present.every((v) => Number.isSafeInteger(v))) {
      return { name, data: values.map((v) => (v === null ? null : BigInt(v as number))), type: 'INT64' };
    }
    if (present.length > 0 && present.every((v) => typeof v === 'number')) return { name, data: values, type: 'DOUBLE' };
    if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return { name, data: values, type: 'BOOLEAN' };
    if (present.every((v) => typeof v === 'string')) return { name, data: values, type: 'STRING' };
    return { name, data: values.map((v) => (v === null ? null : JSON.stringify(v))), type: 'JSON' };
  });
}

import { open } from 'node:fs/promises';

/**
 * What the run view shows of an artifact without downloading it: an image is shown by the
 * browser from its download route; a table (CSV, TSV, JSON lines) becomes its first rows,
 * read here from the head of the file so that a large one costs no more than a small one.
 * The page renders every cell as text.
 */
export type ArtifactPreview =
  | { kind: 'image' }
  | { kind: 'table'; columns: string[]; rows: unknown[][]; truncated: boolean }
  | { kind: 'none' };

/** Images a browser shows safely in an <img> (no SVG: it is active content, served sandboxed). */
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;
const TABLE_TYPES: Record<string, 'csv' | 'tsv' | 'jsonl'> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
  'application/x-ndjson': 'jsonl',
};
/** Bytes read from the head of a table: enough for a few hundred ordinary rows. */
const HEAD_BYTES = 256 * 1024;

export async function artifactPreview(file: { path: string; mediaType: string; size: number }, maxRows: number): Promise<ArtifactPreview> {
  if (IMAGE_TYPES.test(file.mediaType)) return { kind: 'image' };
  const format = TABLE_TYPES[file.mediaType];
  if (!format) return { kind: 'none' };
  const handle = await open(file.path, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, file.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const cut = file.size > HEAD_BYTES;
  return format === 'jsonl' ? jsonLinesTable(text, cut, maxRows) : delimitedTable(text, format === 'csv' ? ',' : '\t', cut, maxRows);
}

/** A CSV (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes) or TSV table; its first record names the columns. */
export function delimitedTable(
  text: string,
  separator: string,
  cut: boolean,
  maxRows: number,
): { kind: 'table'; columns: string[]; rows: string[][]; truncated: boolean } {
  const records = parseDelimited(text, separator, maxRows + 2);
  const more = records.length > maxRows + 1;
  // The last record of a head cut mid-file may be partial.
  if (cut && !more) records.pop();
  const [columns = [], ...rows] = records;
  return { kind: 'table', columns, rows: rows.slice(0, maxRows), truncated: cut || more };
}

function parseDelimited(text: string, separator: string, maxRecords: number): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    field = '';
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
  };
  for (; i < text.length && records.length < maxRecords; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (char === '"' && field === '' && separator === ',') quoted = true;
    else if (char === separator) {
      record.push(field);
      field = '';
    } else if (char === '\n') endRecord();
    else if (char !== '\r') field += char;
  }
  if (records.length < maxRecords && (field !== '' || record.length > 0)) endRecord();
  return records;
}

/** JSON lines: a column per key of the objects (in order of appearance); a line that is no object is the column `value`. */
export function jsonLinesTable(
  text: string,
  cut: boolean,
  maxRows: number,
): { kind: 'table'; columns: string[]; rows: unknown[][]; truncated: boolean } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (cut) lines.pop();
  const objects = lines.slice(0, maxRows).map((line): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(line);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
    } catch {
      return { value: line };
    }
  });
  const columns = [...new Set(objects.flatMap((object) => Object.keys(object)))];
  return {
    kind: 'table',
    columns,
    rows: objects.map((object) => columns.map((column) => object[column] ?? null)),
    truncated: cut || lines.length > maxRows,
  };
}

import type { JsonValue } from '../../spec/types.js';

/** One RFC 4180 line: fields with a comma, quote or line break are quoted; null is empty. */
export function csvLine(values: readonly JsonValue[]): string {
  return values.map(csvField).join(',');
}

function csvField(value: JsonValue): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

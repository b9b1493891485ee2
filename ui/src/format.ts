/** Values as cells show them; Preact escapes every one of them when it renders (no HTML from data). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatTime(ms: number | null): string {
  if (ms === null) return '–';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function formatDuration(startedAt: number | null, finishedAt: number | null): string {
  if (startedAt === null || finishedAt === null) return '–';
  const seconds = (finishedAt - startedAt) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ${Math.round(seconds % 60)}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** A dotted path into a JSON value: `model.depth` of `{model: {depth: 3}}`. */
export function valueAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

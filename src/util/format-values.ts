import type { JsonValue, Params } from '../spec/types.js';

/** `lr=0.1 model=svc optimizer.momentum=0.9`: a run's parameters on one line. */
export function formatParams(params: Params, prefix = ''): string {
  return Object.entries(params)
    .map(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? formatParams(value, path)
        : `${path}=${formatValue(value)}`;
    })
    .join(' ');
}

export function formatValue(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `1.2s`, `3m04s`, `2h05m`: durations as people read them. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `2026-11-24 22:31:05` in UTC (stored times are UTC; the Z keeps that visible). */
export function formatTime(ms: number | null): string {
  if (ms === null) return '-';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `512 B`, `1.5 KiB`, `23.0 MiB`: sizes as people read them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const PART = /(\d+(?:\.\d+)?)\s*(d|h|m|s|ms)/g;
const UNIT_SECONDS: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a duration such as `90`, `90s`, `10m`, `1h30m`, `2d`; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+(\.\d+)?\s*(d|h|m|s|ms)\s*)+$/.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) seconds += Number(amount) * (UNIT_SECONDS[unit as string] as number);
  return seconds;
}

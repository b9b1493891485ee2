/** `16G`, `512M`, `1.5GiB`, `64k`: a memory size as the spec's `resources.memory` writes it. */
const MEMORY_SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT])i?B?$/i;
const POWERS = { K: 1, M: 2, G: 3, T: 4 } as const;

/**
 * The size in bytes, or undefined when `text` is not a memory size. The units are binary
 * (G = 2^30 bytes), as Slurm's `--mem` and most schedulers read them.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = MEMORY_SIZE.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] as string).toUpperCase() as keyof typeof POWERS;
  return Math.round(Number(match[1]) * 1024 ** POWERS[unit]);
}

/** Bytes as a short size (`15.5G`), for messages. */
export function formatMemorySize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const size = bytes / 1024 ** POWERS[unit];
    if (size >= 1) return `${Number(size.toFixed(1))}${unit}`;
  }
  return `${bytes}B`;
}

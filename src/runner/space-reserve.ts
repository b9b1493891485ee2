import { existsSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Room kept on the store's disk for the last write of a worker that finds the disk full:
 * giving its runs back, in one transaction that needs a few dozen pages. Without it that write
 * fails too, and the runs stay RUNNING until their leases expire.
 */
const RESERVE_FILE = 'space-reserve';
const RESERVE_BYTES = 512 * 1024;
/** The reserve is made only where it cannot be what fills the disk. */
const MIN_FREE_BYTES = 4 * RESERVE_BYTES;

/** Makes the reserve in the store directory if it is missing and the disk has room (one per store, shared by its workers). */
export function keepSpaceReserve(storeDir: string): void {
  const file = join(storeDir, RESERVE_FILE);
  if (existsSync(file)) return;
  try {
    const disk = statfsSync(storeDir);
    if (disk.bavail * disk.bsize < MIN_FREE_BYTES) return;
    writeFileSync(file, Buffer.alloc(RESERVE_BYTES));
  } catch {
    rmSync(file, { force: true }); // no room after all: no reserve rather than part of one
  }
}

/** Frees the reserve for the write that needs it; the next worker to start makes it again. */
export function freeSpaceReserve(storeDir: string): void {
  rmSync(join(storeDir, RESERVE_FILE), { force: true });
}

import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';

const STDERR_TAIL_BYTES = 4_096;
const STDERR_TAIL_LINES = 20;

/** Where the next attempt's stderr starts in `path` (a first attempt starts a new file: no syscall needed). */
export function stderrStartOf(path: string, attempt: number): number {
  return attempt > 1 ? (statSync(path, { throwIfNoEntry: false })?.size ?? 0) : 0;
}

/** The last lines a run wrote to stderr since `from` (where a traceback lands); '' when there are none. */
export async function readStderrTail(path: string, from: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const start = Math.max(from, size - STDERR_TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').trimEnd().split('\n');
    return lines.slice(-STDERR_TAIL_LINES).join('\n');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

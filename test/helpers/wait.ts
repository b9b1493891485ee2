import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** A generous upper bound: the test fails (with `message`) only if it is reached. */
  timeoutMs?: number;
  intervalMs?: number;
  message?: string;
}

/** Polls `check` until it returns something other than undefined/false, and returns that. */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${options.message ?? 'condition never held'}`);
    await delay(options.intervalMs ?? 50);
  }
}

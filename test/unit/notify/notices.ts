import type { RunNotice, RunSummary } from '../../../src/notify/index.js';

/** A failed run as the engine would report it. */
export function failedRun(runId: number, overrides: Partial<RunNotice> = {}): RunNotice {
  return {
    experiment: 'sweep',
    runId,
    hash: `${String(runId).padStart(4, '0')}abcdef0123456789`,
    params: { lr: 0.1, seed: runId },
    attempt: 1,
    reason: 'exit code 1',
    error: `Traceback (most recent call last):\n  File "train.py", line 3\nValueError: run ${runId} diverged`,
    ...overrides,
  };
}

export function summary(failures: RunNotice[], overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    experiments: ['sweep'],
    counts: { PENDING: 0, RUNNING: 0, COMPLETED: 43, FAILED: failures.length, CANCELLED: 0 },
    durationMs: 754_000,
    failures,
    interrupted: false,
    store: '/home/me/project/.labbook',
    ...overrides,
  };
}

import { ResourceMonitor } from '../track/resource-monitor.js';
import type { RunRecorder } from './run-recorder.js';

/** How often a run's CPU and memory are sampled (as sys.* metrics). */
const MONITOR_INTERVAL_MS = 2_000;
const DEFAULT_KILL_GRACE_MS = 5_000;

/** Sends `signal` to the process group led by `pid` (nothing when it is gone or not known yet). */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** SIGTERM to the group, SIGKILL after the grace period (for what ignores SIGTERM). */
export function terminateGroup(pid: number | undefined, graceMs = DEFAULT_KILL_GRACE_MS): void {
  signalGroup(pid, 'SIGTERM');
  setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs).unref();
}

/**
 * Samples the group's CPU and memory into the run's sys.* metrics. Sampling starts after one
 * interval: short runs never pay for a /proc scan. Returns the function that stops it.
 */
export function monitorGroup(pid: number, recorder: RunRecorder): () => void {
  const monitor = new ResourceMonitor({ pid, intervalMs: MONITOR_INTERVAL_MS, onSample: (points) => recorder.metrics(points) });
  const start = setTimeout(() => monitor.start(), MONITOR_INTERVAL_MS).unref();
  return () => {
    clearTimeout(start);
    monitor.stop();
  };
}

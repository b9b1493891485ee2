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
  const monitor = new SlotMonitor(pid);
  monitor.begin(recorder);
  return () => monitor.end();
}

/**
 * monitorGroup for a process group that executes runs one after another (a Python driver's
 * slot): one timer, restarted as each run begins, instead of a timer and a monitor per run,
 * which a slot's short runs would make by the thousand.
 */
export class SlotMonitor {
  private timer: NodeJS.Timeout | undefined;
  /** The run going on, since the timer was last restarted. */
  private recorder: RunRecorder | undefined;
  private monitor: ResourceMonitor | undefined;

  constructor(private readonly pid: number) {}

  /** A run begins: sampled into its recorder once it has gone on for an interval. */
  begin(recorder: RunRecorder): void {
    this.end();
    this.recorder = recorder;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(() => this.sample(), MONITOR_INTERVAL_MS).unref();
  }

  /** The run ended (or its process group went away). */
  end(): void {
    this.recorder = undefined;
    this.monitor?.stop();
    this.monitor = undefined;
  }

  private sample(): void {
    const recorder = this.recorder;
    if (!recorder) return;
    this.monitor = new ResourceMonitor({ pid: this.pid, intervalMs: MONITOR_INTERVAL_MS, onSample: (points) => recorder.metrics(points) });
    this.monitor.start();
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import type { MetricPoint } from '../domain/index.js';
import { execText } from './exec-text.js';

/**
 * Linux reports CPU times in /proc in USER_HZ, which the kernel fixes at 100 on every
 * architecture Node runs on (it is not the kernel's internal HZ).
 */
const TICKS_PER_SECOND = 100;

export interface ResourceMonitorOptions {
  /** The leader of the run's process group (runs are spawned detached, so pgid = pid). */
  pid: number;
  intervalMs: number;
  onSample: (points: MetricPoint[]) => void;
  now?: () => number;
}

interface GroupUsage {
  /** CPU ticks (user + system) per live process of the group. */
  ticks: Map<number, number>;
  rssKb: number;
}

/**
 * Samples what a run's whole process group uses (a Python script's data-loader workers
 * included): `sys.cpu_percent` (100 = one core busy), `sys.rss_mb`, and `sys.gpu_mem_mb`
 * when nvidia-smi exists. Reads /proc, so it samples nothing on other platforms.
 */
export class ResourceMonitor {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private previous: { at: number; ticks: Map<number, number> } | undefined;
  private step = 0;
  private sampling = false;
  /** Unknown until the first query; false once nvidia-smi turned out missing or failing. */
  private gpus: boolean | undefined;

  constructor(private readonly options: ResourceMonitorOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (process.platform !== 'linux' || this.timer) return;
    this.previous = { at: this.now(), ticks: readGroupUsage(this.options.pid).ticks };
    this.timer = setInterval(() => void this.sample(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    // nvidia-smi can be slower than the interval: never stack samples up.
    if (this.sampling) return;
    this.sampling = true;
    try {
      const at = this.now();
      const usage = readGroupUsage(this.options.pid);
      if (usage.ticks.size === 0) return;
      const cpuPercent = this.cpuPercent(usage.ticks, at);
      const gpuMb = this.gpus === false ? undefined : await this.gpuMemoryMb(usage.ticks);
      if (!this.timer) return;
      const step = this.step++;
      const points: MetricPoint[] = [];
      if (cpuPercent !== undefined) points.push({ key: 'sys.cpu_percent', step, value: cpuPercent, at });
      points.push({ key: 'sys.rss_mb', step, value: usage.rssKb / 1024, at });
      if (gpuMb !== undefined) points.push({ key: 'sys.gpu_mem_mb', step, value: gpuMb, at });
      this.options.onSample(points);
    } finally {
      this.sampling = false;
    }
  }

  /** Ticks since the last sample, per process; a process new since then counts all its ticks. */
  private cpuPercent(ticks: Map<number, number>, at: number): number | undefined {
    const previous = this.previous;
    this.previous = { at, ticks };
    if (!previous || at <= previous.at) return undefined;
    let delta = 0;
    for (const [pid, total] of ticks) delta += Math.max(0, total - (previous.ticks.get(pid) ?? 0));
    return ((delta / TICKS_PER_SECOND) * 1000 * 100) / (at - previous.at);
  }

  private async gpuMemoryMb(group: Map<number, number>): Promise<number | undefined> {
    const out = await execText('nvidia-smi', ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'], {
      timeoutMs: 5_000,
    });
    this.gpus = out !== null;
    if (!out) return undefined;
    let total = 0;
    for (const line of out.stdout.split('\n')) {
      const [pid, used] = line.split(',').map((s) => Number(s.trim()));
      if (pid !== undefined && group.has(pid) && Number.isFinite(used)) total += used as number;
    }
    return total;
  }
}

/** Scans /proc/<pid>/stat for the members of process group `pgid`. */
function readGroupUsage(pgid: number): GroupUsage {
  const ticks = new Map<number, number>();
  let rssKb = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return { ticks, rssKb };
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcFile(`/proc/${entry}/stat`);
    if (!stat) continue;
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) !== pgid) continue;
    const pid = Number(entry);
    ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    rssKb += residentKb(pid);
  }
  return { ticks, rssKb };
}

/** VmRSS from /proc/<pid>/status (in kB whatever the page size); 0 for a zombie. */
function residentKb(pid: number): number {
  const status = readProcFile(`/proc/${pid}/status`);
  const match = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : 0;
}

function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The process exited between listing /proc and reading it.
    return undefined;
  }
}

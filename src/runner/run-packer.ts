import type { RunRecord } from '../domain/index.js';
import { ResourcesExceedMachineError } from '../errors.js';
import type { ExperimentSpec } from '../spec/types.js';
import type { Machine } from './machine.js';
import { type Allocation, ResourcePool, requestOf, shortfall } from './resource-pool.js';

/**
 * Chooses which claimed runs begin now, by what their specs ask (`resources:`) and what is
 * free on the machine, and lends each its CPUs, memory and GPU devices until it ends. Runs
 * begin in the order they were claimed: one that does not fit yet holds back those behind it
 * (a large run is not starved by small ones). Without a machine, every run fits.
 */
export class RunPacker {
  private pool: ResourcePool | undefined;
  /** Per run, what it was lent; `devices` when its spec names `gpus` (then it sees only those). */
  private readonly allocations = new Map<number, { allocation: Allocation; devices?: readonly string[] }>();

  constructor(
    /** Called once, when a run first asks for resources (probing GPUs costs a process). */
    private readonly machine: (() => Machine) | undefined,
    /** The run's spec: at once when it was loaded before. */
    private readonly specOf: (run: RunRecord) => ExperimentSpec | Promise<ExperimentSpec>,
  ) {}

  /**
   * Takes out of `backlog` the runs to begin now, at most `most`. A run that can never fit
   * here (it asks for more than the whole machine) is handed to `refuse` instead.
   */
  async take(
    backlog: RunRecord[],
    most: number,
    refuse: (run: RunRecord, error: ResourcesExceedMachineError) => Promise<void>,
  ): Promise<RunRecord[]> {
    if (!this.machine) return backlog.splice(0, most);
    const taken: RunRecord[] = [];
    while (taken.length < most && backlog.length > 0) {
      const run = backlog[0] as RunRecord;
      const known = this.specOf(run);
      // A spec that cannot be loaded fails the run when it executes, saying why.
      const spec = known instanceof Promise ? await known.catch(() => undefined) : known;
      const resources = spec?.resources;
      if (backlog[0] !== run) continue; // its lease was lost meanwhile (heartbeat)
      if (resources) {
        this.pool ??= new ResourcePool(this.machine());
        const allocation = this.pool.take(requestOf(resources));
        if (!allocation) {
          if (!this.pool.idle) break;
          backlog.shift();
          await refuse(run, new ResourcesExceedMachineError(run.experiment, shortfall(resources, this.pool.machine)));
          continue;
        }
        this.allocations.set(run.id, { allocation, ...(resources.gpus !== undefined && { devices: allocation.devices }) });
      }
      taken.push(backlog.shift() as RunRecord);
    }
    return taken;
  }

  /** The GPU devices lent to the run; undefined when its spec names no `gpus` (or nothing is packed): it sees what the worker sees. */
  devicesOf(runId: number): readonly string[] | undefined {
    return this.allocations.get(runId)?.devices;
  }

  /** Takes back what the runs were lent (they ended, or did not begin after all). */
  release(runs: readonly RunRecord[]): void {
    for (const run of runs) {
      const lent = this.allocations.get(run.id);
      if (!lent) continue;
      this.allocations.delete(run.id);
      this.pool?.give(lent.allocation);
    }
  }
}

import { ResourcesExceedMachineError } from '../errors.js';
import { formatMemorySize, parseMemorySize } from '../spec/memory-size.js';
import type { Resources } from '../spec/types.js';
import type { Machine } from './machine.js';

/** What one run of a spec holds while it runs. */
export interface ResourceRequest {
  cpus: number;
  gpus: number;
  memoryBytes: number;
}

/** What a run was given: its share of CPUs and memory, and its own GPU devices. */
export interface Allocation {
  request: ResourceRequest;
  devices: readonly string[];
}

/** A spec's `resources` as a request; what it does not name, a run does not hold (it takes a slot only). */
export function requestOf(resources: Resources | undefined): ResourceRequest {
  return {
    cpus: resources?.cpus ?? 0,
    gpus: resources?.gpus ?? 0,
    memoryBytes: resources?.memory === undefined ? 0 : (parseMemorySize(resources.memory) ?? 0),
  };
}

/** Throws ResourcesExceedMachineError, with the figures, when one run of `experiment` asks for more than the machine has. */
export function assertFitsMachine(experiment: string, resources: Resources | undefined, machine: Machine): void {
  const short = shortfall(resources, machine);
  if (short.length > 0) throw new ResourcesExceedMachineError(experiment, short);
}

/** What one run asks for beyond the whole machine, with the figures (empty when it fits). */
export function shortfall(resources: Resources | undefined, machine: Machine): string[] {
  const asked = requestOf(resources);
  const short: string[] = [];
  if (asked.cpus > machine.cpus) short.push(`${asked.cpus} CPUs (this machine has ${machine.cpus})`);
  if (asked.gpus > machine.gpus.length) {
    const devices = machine.gpus.length === 0 ? 'none' : `${machine.gpus.length}: ${machine.gpus.join(',')}`;
    short.push(`${asked.gpus} GPU${asked.gpus === 1 ? '' : 's'} (this machine has ${devices})`);
  }
  if (asked.memoryBytes > machine.memoryBytes) {
    short.push(`${resources?.memory} of memory (this machine has ${formatMemorySize(machine.memoryBytes)})`);
  }
  return short;
}

/**
 * The CPUs, memory and GPU devices of one machine, lent to runs as they start and taken
 * back as they end: a run starts only when what it asks for is free.
 */
export class ResourcePool {
  private cpus: number;
  private memoryBytes: number;
  private readonly freeDevices: string[];
  private lent = 0;

  constructor(readonly machine: Machine) {
    this.cpus = machine.cpus;
    this.memoryBytes = machine.memoryBytes;
    this.freeDevices = [...machine.gpus];
  }

  /** Whether nothing is lent: a request that does not fit now never will. */
  get idle(): boolean {
    return this.lent === 0;
  }

  /** The allocation, or undefined when the request does not fit in what is free now. */
  take(request: ResourceRequest): Allocation | undefined {
    if (request.cpus > this.cpus || request.memoryBytes > this.memoryBytes || request.gpus > this.freeDevices.length) return undefined;
    this.cpus -= request.cpus;
    this.memoryBytes -= request.memoryBytes;
    this.lent++;
    return { request, devices: this.freeDevices.splice(0, request.gpus) };
  }

  give(allocation: Allocation): void {
    this.cpus += allocation.request.cpus;
    this.memoryBytes += allocation.request.memoryBytes;
    this.freeDevices.push(...allocation.devices);
    this.lent--;
  }
}

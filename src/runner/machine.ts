import { execFileSync } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';

/** What this machine offers runs: CPUs, memory and the GPU devices runs may be given. */
export interface Machine {
  cpus: number;
  memoryBytes: number;
  /** Device ids as CUDA_VISIBLE_DEVICES names them (`0`, `1`, or GPU UUIDs). */
  gpus: readonly string[];
}

/** What the user said of the machine (--cpus, --memory, --gpus); the rest is detected. */
export interface MachineOverrides {
  cpus?: number;
  memoryBytes?: number;
  gpus?: readonly string[];
}

/**
 * The machine runs are packed on. GPUs come from `--gpus`, else CUDA_VISIBLE_DEVICES (the
 * devices this process may use; set but empty: none), else `nvidia-smi -L`, else none.
 */
export function detectMachine(overrides: MachineOverrides, env: NodeJS.ProcessEnv): Machine {
  return {
    cpus: overrides.cpus ?? availableParallelism(),
    memoryBytes: overrides.memoryBytes ?? totalmem(),
    gpus: overrides.gpus ?? visibleDevices(env) ?? nvidiaSmiDevices(),
  };
}

/**
 * The machine, detected the first time it is asked for: only runs that name resources need
 * it, and probing GPUs costs a process.
 */
export function lazyMachine(overrides: MachineOverrides, env: NodeJS.ProcessEnv): () => Machine {
  let machine: Machine | undefined;
  return () => {
    machine ??= detectMachine(overrides, env);
    return machine;
  };
}

/** A device list as `--gpus 0,1` or CUDA_VISIBLE_DEVICES write it. */
export function parseDeviceList(text: string): string[] {
  return text
    .split(',')
    .map((device) => device.trim())
    .filter((device) => device !== '');
}

function visibleDevices(env: NodeJS.ProcessEnv): string[] | undefined {
  const visible = env.CUDA_VISIBLE_DEVICES;
  if (visible === undefined) return undefined;
  // CUDA reads a list up to its first invalid entry; -1 is the usual way to hide every device.
  const devices = parseDeviceList(visible);
  const hidden = devices.findIndex((device) => device.startsWith('-'));
  return hidden === -1 ? devices : devices.slice(0, hidden);
}

/** `GPU 0: NVIDIA A100 (UUID: GPU-…)` per device; none when nvidia-smi is missing or fails. */
function nvidiaSmiDevices(): string[] {
  try {
    const listing = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return [...listing.matchAll(/^GPU (\d+):/gm)].map((match) => match[1] as string);
  } catch {
    return [];
  }
}

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ExecTextOptions {
  cwd?: string;
  timeoutMs?: number;
  /** Output beyond this many bytes is dropped (the child is stopped) and `truncated` is set. */
  maxBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExecTextResult {
  stdout: string;
  truncated: boolean;
}

/**
 * Runs a program (no shell) and returns its stdout, or null when it is missing, fails, or
 * times out: probes of the environment must never fail a run.
 */
export function execText(file: string, args: readonly string[], options: ExecTextOptions = {}): Promise<ExecTextResult | null> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  if (!onPath(file, options.env ?? process.env)) return Promise.resolve(null);
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      resolve(null);
      return;
    }
    // Our own timer, not spawn's `timeout`: that one stays armed when the program is missing
    // (no 'exit' follows the 'error'), keeping the whole process alive until it fires.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 5_000);
    timer.unref();
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (truncated) return;
      const room = maxBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size = maxBytes;
        truncated = true;
        child.kill();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !truncated) resolve(null);
      else resolve({ stdout: Buffer.concat(chunks).toString('utf8'), truncated });
    });
  });
}

/**
 * Whether a program named without a directory is in a directory of PATH: a probe of one that is
 * not (nvidia-smi on a machine without GPUs) would fork this whole process to learn it.
 */
function onPath(file: string, env: NodeJS.ProcessEnv): boolean {
  if (file.includes('/') || env.PATH === undefined) return true; // (without PATH, spawn has its own default)
  return env.PATH.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, file)));
}

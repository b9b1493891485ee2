import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { labbookBin } from './paths.js';
import { withoutLabbookVariables } from './project.js';

export interface LabbookProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the real `bin/labbook` as a user would (its own process, real signals). The test
 * kills it with SIGKILL at its end if it is still running, so no process outlives a test.
 * With `ownProcessGroup` it leads a process group of its own, which the test may kill whole
 * (`process.kill(-pid, …)`) as a shell's job control or a batch scheduler would.
 */
export function startLabbook(
  t: TestContext,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { ownProcessGroup?: boolean } = {},
): LabbookProcess {
  const child = spawn(labbookBin, args, {
    cwd,
    env: { ...withoutLabbookVariables(process.env), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => (out += b));
  child.stderr?.on('data', (b: Buffer) => (err += b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  if (child.pid === undefined) throw new Error('could not start bin/labbook');
  return { child, pid: child.pid, stdout: () => out, stderr: () => err, exited };
}

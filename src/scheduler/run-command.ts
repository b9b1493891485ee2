import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SchedulerUnavailableError } from '../errors.js';
import type { Scheduler, SchedulerCommand } from './types.js';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** How long a scheduler command may take: a busy controller answers in seconds, a dead one never. */
const COMMAND_TIMEOUT_MS = 120_000;

/** Runs one of the scheduler's commands in `env` (a submitted job inherits it) and waits for it; a command not installed is SchedulerUnavailableError. */
export function runSchedulerCommand(scheduler: Scheduler, command: SchedulerCommand, env: NodeJS.ProcessEnv): CommandResult {
  const [program, ...args] = command.argv as [string, ...string[]];
  const result = spawnSync(program, args, {
    encoding: 'utf8',
    env,
    timeout: COMMAND_TIMEOUT_MS,
    ...(command.stdinFile !== undefined && { input: readFileSync(command.stdinFile) }),
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new SchedulerUnavailableError(scheduler.name, program);
  if (result.error) return { status: -1, stdout: result.stdout ?? '', stderr: result.error.message };
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.trim() };
}

/**
 * Refuses early, before anything is written, when the command's program is not on PATH: a
 * submission from a machine without the scheduler should leave the store as it was.
 */
export function assertInstalled(scheduler: Scheduler, command: SchedulerCommand, env: NodeJS.ProcessEnv): void {
  const program = command.argv[0] as string;
  const dirs = program.includes('/') ? [''] : (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return;
    } catch {
      // not in this directory
    }
  }
  throw new SchedulerUnavailableError(scheduler.name, program);
}

/** A command as a shell line, for messages and --dry-run. */
export function describeCommand(command: SchedulerCommand, quote: (argv: readonly string[]) => string): string {
  return `${quote(command.argv)}${command.stdinFile !== undefined ? ` < ${quote([command.stdinFile])}` : ''}`;
}

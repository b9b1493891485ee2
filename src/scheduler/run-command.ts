import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SchedulerUnavailableError } from '../errors.js';
import type { Scheduler, SchedulerCommand } from './types.js';

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** How long a scheduler command may take: a busy controller answers in seconds, a dead one never. */
const COMMAND_TIMEOUT_MS = 120_000;

/** Runs one of the scheduler's commands and waits for it; a command not installed is SchedulerUnavailableError. */
export function runSchedulerCommand(scheduler: Scheduler, command: SchedulerCommand): CommandResult {
  const [program, ...args] = command.argv as [string, ...string[]];
  const result = spawnSync(program, args, {
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
    ...(command.stdinFile !== undefined && { input: readFileSync(command.stdinFile) }),
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new SchedulerUnavailableError(scheduler.name, program);
  if (result.error) return { status: -1, stdout: result.stdout ?? '', stderr: result.error.message };
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.trim() };
}

/** A command as a shell line, for messages and --dry-run. */
export function describeCommand(command: SchedulerCommand, quote: (argv: readonly string[]) => string): string {
  return `${quote(command.argv)}${command.stdinFile !== undefined ? ` < ${quote([command.stdinFile])}` : ''}`;
}

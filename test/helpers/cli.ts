import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import { type Clock, systemClock } from '../../src/queue/clock.js';
import { labbookBin } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (fast); `cwd` is the project directory. */
export async function cli(cwd: string, args: string[], options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await runCli(args, { cwd, env: options.env ?? {}, stdout, stderr, clock: options.clock ?? systemClock });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** Runs the real binary in a child process, as a user would. */
export function cliProcess(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(labbookBin, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The documents of NDJSON output (what `ls --json` and `logs --json` print), each line parsed. */
export function jsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

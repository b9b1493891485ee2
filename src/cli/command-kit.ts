import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { CliContext, CommandContext, GlobalOptions } from './context.js';
import { createLog } from './log.js';

/** A command's action: returns the exit status. Only main.ts ends the process. */
export type Action<A extends unknown[], O extends GlobalOptions> = (ctx: CommandContext, options: O, ...args: A) => Promise<number>;

/** Wires an action to commander; the exit status lands in `ctx.exitCode`. */
export function bindAction<A extends unknown[], O extends GlobalOptions>(
  command: Command,
  ctx: CliContext & { exitCode?: number },
  action: Action<A, O>,
): Command {
  return command.action(async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as A;
    const options = cmd.optsWithGlobals() as O;
    const { log, sink } = createLog(ctx.stderr, options, ctx.env);
    ctx.exitCode = await action({ ...ctx, log, logSink: sink, quiet: options.quiet === true }, options, ...args);
  });
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** A whole number of at least `min` from an option's text; anything else is a usage error with an example. */
export function positiveInteger(text: string, option: string, example: string, min = 1): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(`${option} '${text}' is not a whole number${min === 0 ? '' : ` of at least ${min}`}, e.g. ${example}`);
  }
  return Number(text);
}

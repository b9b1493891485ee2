import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from './context.js';

/** A command's action: returns the exit status. Only main.ts ends the process. */
export type Action<A extends unknown[], O extends GlobalOptions> = (ctx: CliContext, options: O, ...args: A) => Promise<number>;

/** Wires an action to commander; the exit status lands in `ctx.exitCode`. */
export function bindAction<A extends unknown[], O extends GlobalOptions>(
  command: Command,
  ctx: CliContext & { exitCode?: number },
  action: Action<A, O>,
): Command {
  return command.action(async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as A;
    ctx.exitCode = await action(ctx, cmd.optsWithGlobals() as O, ...args);
  });
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

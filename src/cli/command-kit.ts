import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { RUN_STATES, type RunFilter, type RunState } from '../store/types.js';
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

/** `FAILED,RUNNING` → states, case-insensitive; a typo gets the list of states. */
export function parseStates(text: string): RunState[] {
  return text.split(',').map((part) => {
    const state = part.trim().toUpperCase();
    if (!(RUN_STATES as readonly string[]).includes(state)) {
      throw new UsageError(`'${part.trim()}' is not a run state; use one or more of ${RUN_STATES.join(', ')} (comma-separated)`);
    }
    return state as RunState;
  });
}

export function parseRunIds(refs: readonly string[]): number[] {
  return refs.map((ref) => {
    if (!/^\d+$/.test(ref)) throw new UsageError(`'${ref}' is not a run id; run ids are numbers, as shown by 'labbook ls'`);
    return Number(ref);
  });
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Comma-separated names, for --experiment. */
export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** -e / --state / query words as a RunFilter; the words of a query are joined with spaces. */
export function runFilter(options: { experiment?: string; state?: string }, queryWords: readonly string[] = []): RunFilter {
  const query = queryWords.join(' ').trim();
  return {
    ...(options.experiment && { experiments: parseList(options.experiment) }),
    ...(options.state && { states: parseStates(options.state) }),
    ...(query && { query }),
  };
}

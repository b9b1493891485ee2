import type { Command } from 'commander';
import { copyStore } from '../../store/copy/copy-store.js';
import { initStore, openStore } from '../../store/open-store.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson } from '../context.js';

export function defineCopyStore(program: Command, ctx: CliContext): void {
  const command = program
    .command('copy-store')
    .argument('<source>', 'the store to copy: a .labbook directory, a project containing one, or a postgres:// URL')
    .argument('<destination>', 'a new store (made if missing) to copy it into, of either kind')
    .description('copy a whole store (runs, their history, metrics, files) into a new store, e.g. from SQLite to PostgreSQL')
    .addHelpText(
      'after',
      examples('labbook copy-store . postgres://me@db.lab/experiments', 'labbook copy-store postgres://me@db.lab/experiments ./backup'),
    );
  bindAction(command, ctx, async (ctx, options: GlobalOptions, source: string, destination: string) => {
    const from = await openStore({ cwd: ctx.cwd, env: {}, store: source });
    try {
      const { store: to } = await initStore({ cwd: ctx.cwd, env: {}, store: destination });
      try {
        const copied = await copyStore(from, to);
        if (options.json) printJson(ctx, { source: from.location, destination: to.location, copied });
        else print(ctx, `Copied ${copied.runs} runs of ${copied.experiments} experiments from ${from.location} to ${to.location}`);
      } finally {
        await to.close();
      }
    } finally {
      await from.close();
    }
    return 0;
  });
}

import type { Command } from 'commander';
import { initStore } from '../../store/open-store.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson } from '../context.js';

export function defineInit(program: Command, ctx: CliContext): void {
  const command = program
    .command('init')
    .description('create the store (.labbook/ with an SQLite database) in this directory')
    .addHelpText('after', examples('labbook init', 'labbook init --store /scratch/me/project'));
  bindAction(command, ctx, async (ctx, options) => {
    const { store, created } = await initStore({
      cwd: ctx.cwd,
      env: ctx.env,
      ...(options.store !== undefined && { store: options.store }),
    });
    await store.close();
    if (options.json) printJson(ctx, { store: store.dataDir, created });
    else
      print(
        ctx,
        created
          ? `Initialised an empty labbook store in ${store.dataDir}`
          : `A labbook store already exists in ${store.dataDir}; nothing changed`,
      );
    return 0;
  });
}

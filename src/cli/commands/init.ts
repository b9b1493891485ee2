import type { Command } from 'commander';
import { initStore } from '../../store/open-store.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson } from '../context.js';

export function defineInit(program: Command, ctx: CliContext): void {
  const command = program
    .command('init')
    .description('create the store (.labbook/ with an SQLite database) in this directory, or a PostgreSQL store (--store postgres://…)')
    .option(
      '--objects <dir>',
      "a PostgreSQL store's object directory, shared by every machine using it (default ~/.local/share/labbook/<hash>)",
    )
    .addHelpText(
      'after',
      examples(
        'labbook init',
        'labbook init --store /scratch/me/project',
        'labbook init --store postgres://me@db.lab/exps --objects /shared/labbook-objects',
      ),
    );
  bindAction(command, ctx, async (ctx, options: GlobalOptions & { objects?: string }) => {
    const { store, created } = await initStore({
      cwd: ctx.cwd,
      env: ctx.env,
      ...(options.store !== undefined && { store: options.store }),
      ...(options.objects !== undefined && { objectsDir: options.objects }),
    });
    await store.close();
    // A PostgreSQL store is named by its URL (without its password); its files are in dataDir.
    const where = store.backend === 'postgres' ? `${store.location} (objects in ${store.dataDir})` : store.dataDir;
    if (options.json)
      printJson(ctx, { store: store.backend === 'postgres' ? store.location : store.dataDir, objects: store.dataDir, created });
    else
      print(
        ctx,
        created ? `Initialised an empty labbook store in ${where}` : `A labbook store already exists in ${where}; nothing changed`,
      );
    return 0;
  });
}

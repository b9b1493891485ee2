import type { Command } from 'commander';
import { findEngine } from '../../engine/index.js';
import { EXIT_ENVIRONMENT } from '../../errors.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, storeDirOf } from '../context.js';
import { addServeOptions, printServing, type ServeOptions, serveThroughEngine } from '../serve-options.js';

export function defineServe(program: Command, ctx: CliContext): void {
  const command = addServeOptions(
    program.command('serve').description("serve the HTTP API and the dashboard from the store's engine until Ctrl-C (docs/http.md)"),
  )
    .option('--stop', "stop the API and dashboard that the store's engine serves (e.g. started by labbook ui)")
    .addHelpText(
      'after',
      examples(
        'labbook serve',
        'labbook serve --port 0 --json',
        'labbook serve --host 0.0.0.0 --read-only-token "$(openssl rand -hex 16)"',
        'labbook serve --stop',
      ),
    );
  bindAction(command, ctx, async (ctx, options: ServeOptions & { stop?: boolean }) => {
    if (options.stop) return stopServing(ctx, options);
    const { session, serving } = await serveThroughEngine(ctx, options, 'labbook serve');
    printServing(ctx, options, serving, session.hello.store);
    if (!options.json) ctx.log.info('Ctrl-C stops it');
    const interrupted = await new Promise<boolean>((resolve) => {
      const stop = () => resolve(true);
      process.once('SIGINT', stop).once('SIGTERM', stop);
      void session.client.closed.then(() => resolve(false));
    });
    if (!interrupted) {
      ctx.log.error('the engine stopped (labbook engine stop, or its store was removed); so did the dashboard');
      return EXIT_ENVIRONMENT;
    }
    await session.client.request('stopHttp').catch(() => {});
    session.client.close();
    return 0;
  });
}

async function stopServing(ctx: CliContext, options: GlobalOptions): Promise<number> {
  const storeDir = storeDirOf(ctx, options);
  const session = await findEngine(storeDir, ctx.env, 'labbook serve --stop');
  let stopped = false;
  try {
    if (session) stopped = (await session.client.request<{ stopped: boolean }>('stopHttp')).stopped;
  } finally {
    session?.client.close();
  }
  if (options.json) printJson(ctx, { stopped, store: storeDir });
  else print(ctx, stopped ? `stopped the dashboard of ${storeDir}` : `no dashboard served ${storeDir}; nothing to stop`);
  return 0;
}

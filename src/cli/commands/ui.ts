import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { bindAction, examples } from '../command-kit.js';
import type { CliContext } from '../context.js';
import { addServeOptions, dashboardUrl, printServing, type ServeOptions, serveThroughEngine } from '../serve-options.js';

export function defineUi(program: Command, ctx: CliContext): void {
  const command = addServeOptions(
    program
      .command('ui')
      .description(
        "open the dashboard: the store's engine serves it (started if need be) while a page is open, and exits a while after the last one closes",
      ),
  )
    .option('--no-open', 'print the address only, open no browser')
    .addHelpText('after', examples('labbook ui', 'labbook ui --no-open --json', 'labbook ui --port 9000'));
  bindAction(command, ctx, async (ctx, options: ServeOptions & { open?: boolean }) => {
    const { session, serving } = await serveThroughEngine(ctx, options, 'labbook ui');
    session.client.close();
    printServing(ctx, options, serving, session.hello.store);
    if (options.open !== false && canOpenBrowser(ctx.env)) openBrowser(dashboardUrl(serving), ctx);
    return 0;
  });
}

/** In CI, over SSH without a display, or in a terminal of a headless machine, the address is only printed. */
function canOpenBrowser(env: NodeJS.ProcessEnv): boolean {
  if (env.CI) return false;
  return process.platform === 'darwin' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

function openBrowser(url: string, ctx: CliContext & { log: { warn(message: string): void } }): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  const child = spawn(opener, [url], { detached: true, stdio: 'ignore' });
  child.on('error', () => ctx.log.warn(`could not start ${opener}; open the address above in a browser`));
  child.unref();
}

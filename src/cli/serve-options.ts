import type { Command } from 'commander';
import { connectEngine, type EngineSession } from '../engine/index.js';
import type { HttpServing } from '../server/http-server.js';
import { positiveInteger } from './command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, storeDirOf } from './context.js';

/** The options `labbook serve` and `labbook ui` share. */
export interface ServeOptions extends GlobalOptions {
  host?: string;
  port?: string;
  token?: string;
  readOnlyToken?: string;
}

export const DEFAULT_PORT = 8642;

export function addServeOptions(command: Command): Command {
  return command
    .option('--host <address>', 'address to listen on; anything but loopback requires a token', '127.0.0.1')
    .option('--port <n>', `port to listen on (0: any free one)`, String(DEFAULT_PORT))
    .option('--token <token>', 'token every request must carry (default on a non-loopback host: one made and printed; or $LABBOOK_TOKEN)')
    .option('--read-only-token <token>', 'a second token that may read but not cancel or reset runs (or $LABBOOK_READ_ONLY_TOKEN)');
}

/** Asks the store's engine (started if none runs) to serve HTTP as the options say. */
export async function serveThroughEngine(
  ctx: CliContext,
  options: ServeOptions,
  client: string,
): Promise<{ session: EngineSession; serving: HttpServing }> {
  const port = positiveInteger(options.port ?? String(DEFAULT_PORT), '--port', 'labbook serve --port 8642', 0);
  const token = options.token ?? (ctx.env.LABBOOK_TOKEN || undefined);
  const readOnlyToken = options.readOnlyToken ?? (ctx.env.LABBOOK_READ_ONLY_TOKEN || undefined);
  const storeDir = storeDirOf(ctx, options);
  const session = await connectEngine({ storeDir, env: ctx.env, client });
  try {
    const serving = await session.client.request<HttpServing>('serveHttp', {
      host: options.host ?? '127.0.0.1',
      port,
      ...(token !== undefined && { token }),
      ...(readOnlyToken !== undefined && { readOnlyToken }),
    });
    return { session, serving };
  } catch (error) {
    session.client.close();
    throw error;
  }
}

/** The address to open: with the token, which the page turns into a cookie. */
export function dashboardUrl(serving: HttpServing): string {
  return serving.token === null ? serving.url : `${serving.url}?token=${encodeURIComponent(serving.token)}`;
}

export function printServing(ctx: CliContext, options: GlobalOptions, serving: HttpServing, store: string): void {
  if (options.json) {
    printJson(ctx, { ...serving, open: dashboardUrl(serving), store });
    return;
  }
  const lines = [`dashboard and API of ${store}:`, `  ${dashboardUrl(serving)}`];
  if (serving.token !== null) {
    lines.push(
      serving.generated
        ? `  token: ${serving.token} (made for this server; API clients send 'Authorization: Bearer TOKEN')`
        : "  requests need the token given (API clients send 'Authorization: Bearer TOKEN')",
    );
  }
  if (serving.readOnlyToken !== null) lines.push('  the read-only token may read, not cancel or reset runs');
  lines.push(`  API: ${serving.url}api/openapi.json`);
  print(ctx, lines.join('\n'));
}

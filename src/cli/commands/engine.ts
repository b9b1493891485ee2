import type { Command } from 'commander';
import { connectEngine, DEFAULT_IDLE_TIMEOUT_MS, type EngineSession, type EngineStatus, findEngine } from '../../engine/index.js';
import { EXIT_ENVIRONMENT } from '../../errors.js';
import { formatDuration } from '../../util/format-values.js';
import { buildLabel } from '../../version.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, type GlobalOptions, print, printJson, storeDirOf } from '../context.js';
import { idleTimeoutMs, serveHere, serveInBackground, untilStopped } from '../engine-background.js';

type IdleOptions = GlobalOptions & { idleTimeout?: string };

export function defineEngine(program: Command, ctx: CliContext): void {
  const engine = program
    .command('engine')
    .description('the resident engine: one process per store and host that clients talk to, started on demand (docs/protocol.md)')
    .addHelpText('after', examples('labbook engine status', 'labbook engine stop', 'labbook engine serve --idle-timeout 30m'));

  const idleOption = [
    '--idle-timeout <duration>',
    `exit after this long without clients (default: $LABBOOK_ENGINE_IDLE_TIMEOUT, else ${formatDuration(DEFAULT_IDLE_TIMEOUT_MS)})`,
  ] as const;

  const start = engine
    .command('start')
    .description(
      'start the engine unless one of this version serves the store (one of another version is replaced when it has no clients); print its status',
    )
    .option(...idleOption)
    .addHelpText('after', examples('labbook engine start', 'labbook engine start --idle-timeout 1h --json'));
  bindAction(start, ctx, async (ctx, options: IdleOptions) => {
    idleTimeoutMs(options, ctx.env); // a mistake is reported here, not by the engine in the background
    const storeDir = storeDirOf(ctx, options);
    const session = await connectEngine({
      storeDir,
      env: ctx.env,
      client: 'labbook engine start',
      ...(options.idleTimeout !== undefined && { idleTimeout: options.idleTimeout }),
    });
    return printStatus(ctx, options, session);
  });

  const status = engine
    .command('status')
    .description("show the store's engine: pid, version, clients, uptime (exit status 3 when none runs)")
    .addHelpText('after', examples('labbook engine status', 'labbook engine status --json'));
  bindAction(status, ctx, async (ctx, options: GlobalOptions) => {
    const storeDir = storeDirOf(ctx, options);
    const session = await findEngine(storeDir, ctx.env, 'labbook engine status');
    if (!session) return printNotRunning(ctx, options, storeDir, EXIT_ENVIRONMENT);
    return printStatus(ctx, options, session);
  });

  const stop = engine
    .command('stop')
    .description("stop the store's engine now (requests of its clients fail; clients start a new one when they need it)")
    .addHelpText('after', examples('labbook engine stop'));
  bindAction(stop, ctx, async (ctx, options: GlobalOptions) => {
    const storeDir = storeDirOf(ctx, options);
    const session = await findEngine(storeDir, ctx.env, 'labbook engine stop');
    if (!session) return printNotRunning(ctx, options, storeDir, 0);
    await session.client.request('shutdown');
    await session.client.closed;
    if (options.json) printJson(ctx, { stopped: true, pid: session.hello.pid, store: storeDir });
    else print(ctx, `stopped the engine (pid ${session.hello.pid}) of ${storeDir}`);
    return 0;
  });

  const serve = engine
    .command('serve')
    .description('run the engine in this process, logging to stderr (for debugging; clients otherwise start it in the background)')
    .option(...idleOption)
    .option(
      '--background',
      "for clients that start the engine: say on stdout, as one JSON line, that it is ready or why it is not, and log to the engine's log file",
    )
    .addHelpText('after', examples('labbook engine serve', 'labbook engine serve --idle-timeout 10s'));
  bindAction(serve, ctx, async (ctx, options: IdleOptions & { background?: boolean }) => {
    if (options.background) return serveInBackground(ctx, options);
    const running = await serveHere(ctx, storeDirOf(ctx, options), options, (line) => ctx.stderr.write(line));
    if (options.json) printJson(ctx, running.status());
    else print(ctx, `engine ${running.status().version} (pid ${process.pid}) serves ${running.status().store}; Ctrl-C stops it`);
    return untilStopped(running);
  });
}

/** Prints the status the engine gives, closes the session, and returns the exit status 0. */
async function printStatus(ctx: CliContext, options: GlobalOptions, session: EngineSession): Promise<number> {
  let status: EngineStatus;
  try {
    status = await session.client.request<EngineStatus>('status');
  } finally {
    session.client.close();
  }
  if (options.json) {
    printJson(ctx, { running: true, ...status, log: session.paths.log });
    return 0;
  }
  const pids = status.clients.map((client) => client.pid).join(', ');
  print(
    ctx,
    [
      `engine ${status.version} (pid ${status.pid}) serves ${status.store}`,
      `  build:   ${buildLabel(status.build)}`,
      `  socket:  ${status.socket}`,
      `  log:     ${session.paths.log} (of an engine a client started)`,
      `  up:      ${formatDuration(status.uptimeMs)}; exits after ${formatDuration(status.idleTimeoutMs)} without clients`,
      `  clients: ${status.clients.length}${status.clients.length > 0 ? ` (pids ${pids})` : ''}`,
    ].join('\n'),
  );
  return 0;
}

function printNotRunning(ctx: CliContext, options: GlobalOptions, storeDir: string, exitStatus: number): number {
  if (options.json) printJson(ctx, { running: false, store: storeDir });
  else print(ctx, `no engine serves ${storeDir}; clients start one when they need it`);
  return exitStatus;
}

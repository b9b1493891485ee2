import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, LabbookError } from '../errors.js';
import { VERSION } from '../version.js';
import { defineAdd } from './commands/add.js';
import { defineArtifacts } from './commands/artifacts.js';
import { defineCancel } from './commands/cancel.js';
import { defineDiff } from './commands/diff.js';
import { defineExport } from './commands/export.js';
import { defineGet } from './commands/get.js';
import { defineInit } from './commands/init.js';
import { defineLogs } from './commands/logs.js';
import { defineLs } from './commands/ls.js';
import { defineMetrics } from './commands/metrics.js';
import { definePlot } from './commands/plot.js';
import { defineReset } from './commands/reset.js';
import { defineRun } from './commands/run.js';
import { defineShow } from './commands/show.js';
import { defineStatus } from './commands/status.js';
import { defineTable } from './commands/table.js';
import { defineWorker } from './commands/worker.js';
import { type CliContext, processContext } from './context.js';

const COMMANDS = [
  defineInit,
  defineAdd,
  defineRun,
  defineWorker,
  defineStatus,
  defineLs,
  defineShow,
  defineLogs,
  defineReset,
  defineCancel,
  defineArtifacts,
  defineGet,
  defineMetrics,
  defineDiff,
  definePlot,
  defineTable,
  defineExport,
];

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('labbook')
    .description('Run, track and analyse machine-learning experiments.')
    .version(VERSION)
    .option(
      '--store <path>',
      'store to use: a .labbook directory (default: the nearest one above the working directory, or $LABBOOK_STORE)',
    )
    .option('--json', 'machine-readable output')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride();
  for (const define of COMMANDS) define(program, ctx);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit status. */
export async function runCli(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const state: CliContext & { exitCode?: number } = ctx;
  const program = buildProgram(state);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const debug = argv.includes('--debug');
    if (error instanceof LabbookError) {
      // With --json, scripts (and the Python client) get the stable code with the message.
      if (argv.includes('--json')) ctx.stderr.write(`${JSON.stringify({ code: error.code, message: error.message })}\n`);
      else ctx.stderr.write(`labbook: ${error.message}\n`);
      if (debug) ctx.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    ctx.stderr.write(`labbook: internal error: ${(error as Error).message ?? error}\n`);
    ctx.stderr.write(
      debug
        ? `${(error as Error).stack}\n`
        : 'This is a bug in labbook; please report it with the output of the same command run with --debug.\n',
    );
    return 1;
  }
}

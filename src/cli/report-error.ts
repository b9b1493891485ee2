import { LabbookError } from '../errors.js';
import type { CliContext } from './context.js';

/**
 * Says why a command failed, on stderr, and returns its exit status: a LabbookError's message
 * (with --json, its stable code too), or, for anything else, that it is a bug to report.
 */
export function reportError(ctx: CliContext, argv: readonly string[], error: unknown): number {
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

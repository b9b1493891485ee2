import type { Command } from 'commander';
import { EXIT_ENVIRONMENT } from '../../errors.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, print, printJson } from '../context.js';
import { type Check, runChecks } from '../doctor/checks.js';
import { textTable } from '../output/text-table.js';

const MARK: Record<Check['status'], string> = { ok: '✓', note: '!', problem: '✗' };

export function defineDoctor(program: Command, ctx: CliContext): void {
  const command = program
    .command('doctor')
    .description('check what runs need here: Node.js, the process launcher, the store, the Python client, git')
    .addHelpText(
      'after',
      `${examples('labbook doctor', 'labbook doctor --json')}
Exit status 0 when nothing stops runs here (notes only say what some runs need), 3 otherwise.
`,
    );
  bindAction(command, ctx, async (ctx, options) => {
    const checks = await runChecks({ cwd: ctx.cwd, env: ctx.env, ...(options.store !== undefined && { store: options.store }) });
    const problems = checks.filter((check) => check.status === 'problem').length;
    if (options.json) printJson(ctx, checks);
    else {
      const rows = checks.map((check) => [MARK[check.status], check.name, check.fix ? `${check.detail}: ${check.fix}` : check.detail]);
      const verdict = problems === 0 ? 'Nothing stops runs here.' : `${problems} problem${problems > 1 ? 's' : ''} (✗) to fix first.`;
      print(ctx, `${textTable(['', 'check', 'found'], rows).trimEnd()}\n${verdict}`);
    }
    return problems === 0 ? 0 : EXIT_ENVIRONMENT;
  });
}

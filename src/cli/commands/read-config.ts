import type { Command } from 'commander';
import { readConfigFile } from '../../spec/load-spec.js';
import { bindAction, examples } from '../command-kit.js';
import { type CliContext, printJson } from '../context.js';

/** For clients that parse no YAML of their own and have no store (hence no engine) yet to ask. */
export function defineReadConfig(program: Command, ctx: CliContext): void {
  const command = program
    .command('read-config')
    .description('print the data of a YAML or JSON configuration file as JSON, read as specs are (for clients such as the Python one)')
    .argument('<file>', 'YAML or JSON file')
    .addHelpText('after', examples('labbook read-config configs/mlxp.yaml'));
  bindAction(command, ctx, async (ctx, _options, file: string) => {
    printJson(ctx, readConfigFile(file, ctx.cwd) ?? null);
    return 0;
  });
}

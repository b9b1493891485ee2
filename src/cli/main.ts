import { Command, CommanderError } from 'commander';
import { EXIT_USAGE } from '../errors.js';
import { VERSION } from '../version.js';
import { type CliContext, processContext } from './context.js';
import { reportError } from './report-error.js';

type DefineCommand = (program: Command, ctx: CliContext) => void;

/**
 * Every command, in the order `--help` lists them, with the module that defines it. Only the
 * module of the command being run is loaded (a command's dependencies, such as the engine or
 * the query compiler, cost start-up time the others should not pay); `--help`, a mistyped
 * command or none at all loads them all, `--version` alone none.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<DefineCommand>]> = [
  ['init', async () => (await import('./commands/init.js')).defineInit],
  ['add', async () => (await import('./commands/add.js')).defineAdd],
  ['run', async () => (await import('./commands/run.js')).defineRun],
  ['worker', async () => (await import('./commands/worker.js')).defineWorker],
  ['submit', async () => (await import('./commands/submit.js')).defineSubmit],
  ['sub', async () => (await import('./commands/sub.js')).defineSub],
  ['jobs', async () => (await import('./commands/jobs.js')).defineJobs],
  ['status', async () => (await import('./commands/status.js')).defineStatus],
  ['ls', async () => (await import('./commands/ls.js')).defineLs],
  ['show', async () => (await import('./commands/show.js')).defineShow],
  ['logs', async () => (await import('./commands/logs.js')).defineLogs],
  ['reset', async () => (await import('./commands/reset.js')).defineReset],
  ['cancel', async () => (await import('./commands/cancel.js')).defineCancel],
  ['rerun', async () => (await import('./commands/rerun.js')).defineRerun],
  ['artifacts', async () => (await import('./commands/artifacts.js')).defineArtifacts],
  ['get', async () => (await import('./commands/get.js')).defineGet],
  ['metrics', async () => (await import('./commands/metrics.js')).defineMetrics],
  ['diff', async () => (await import('./commands/diff.js')).defineDiff],
  ['plot', async () => (await import('./commands/plot.js')).definePlot],
  ['table', async () => (await import('./commands/table.js')).defineTable],
  ['export', async () => (await import('./commands/export.js')).defineExport],
  ['tune', async () => (await import('./commands/tune.js')).defineTune],
  ['study', async () => (await import('./commands/study.js')).defineStudy],
  ['doctor', async () => (await import('./commands/doctor.js')).defineDoctor],
  ['engine', async () => (await import('./commands/engine.js')).defineEngine],
  ['serve', async () => (await import('./commands/serve.js')).defineServe],
  ['ui', async () => (await import('./commands/ui.js')).defineUi],
  ['read-config', async () => (await import('./commands/read-config.js')).defineReadConfig],
  ['copy-store', async () => (await import('./commands/copy-store.js')).defineCopyStore],
  ['entities', async () => (await import('./commands/entities.js')).defineEntities],
  ['lineage', async () => (await import('./commands/lineage.js')).defineLineage],
  ['annotate', async () => (await import('./commands/annotate.js')).defineAnnotate],
  ['leaderboard', async () => (await import('./commands/leaderboard.js')).defineLeaderboard],
  ['regress', async () => (await import('./commands/regress.js')).defineRegress],
];

/** Global options that take a value: the command name is the first word that is neither. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--store', '--log-format']);

function commandNameOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

/** The program with the command `argv` names (all of them when it names none we know). */
export async function buildProgram(ctx: CliContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('labbook')
    .description('Run, track and analyse machine-learning experiments.')
    .version(VERSION)
    .option(
      '--store <path>',
      'store to use: a .labbook directory (default: the nearest one above the working directory, or $LABBOOK_STORE)',
    )
    .option('--json', 'machine-readable output: JSON, or one JSON document per line (NDJSON) for streams such as ls and logs')
    .option('-v, --verbose', 'say more: debugging notes too (as LABBOOK_LOG=debug)')
    .option('-q, --quiet', 'say less: no notes and no progress line, only warnings, errors and results')
    .option('--log-format <format>', 'human (default) or json: notes and warnings on stderr as JSON lines (or LABBOOK_LOG_FORMAT)')
    .option('--debug', 'show stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) })
    .exitOverride();
  const name = commandNameOf(argv);
  const versionOnly = name === undefined && (argv.includes('--version') || argv.includes('-V'));
  const wanted = versionOnly ? [] : COMMANDS.filter(([command]) => command === name);
  for (const [, load] of wanted.length > 0 || versionOnly ? wanted : COMMANDS) (await load())(program, ctx);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI on argv (without node and script) and returns the exit status. */
export async function runCli(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const state: CliContext & { exitCode?: number } = ctx;
  const program = await buildProgram(state, argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    return reportError(ctx, argv, error);
  }
}

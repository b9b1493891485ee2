/** The options of the command line clients start the engine with. */
export interface BackgroundServeOptions {
  store?: string;
  idleTimeout?: string;
  /** How the engine's code was compiled (src/cli/engine-loader.ts): for its log. */
  codeCache?: string;
}

/**
 * The options of `labbook [--store PATH] engine serve --background [--idle-timeout DURATION]`
 * when `args` is exactly that (how clients start the engine); undefined for anything else,
 * which goes through the whole command line. Kept apart, without imports: the CLI's entry
 * reads it before it loads anything else.
 */
export function backgroundServeOptions(args: readonly string[]): BackgroundServeOptions | undefined {
  const options: BackgroundServeOptions = {};
  let at = 0;
  while (args[at] === '--store' && at + 1 < args.length) {
    options.store = args[at + 1];
    at += 2;
  }
  if (args[at] !== 'engine' || args[at + 1] !== 'serve') return undefined;
  let background = false;
  for (at += 2; at < args.length; at++) {
    if (args[at] === '--background') background = true;
    else if (args[at] === '--idle-timeout' && at + 1 < args.length) options.idleTimeout = args[++at];
    else return undefined;
  }
  return background ? options : undefined;
}

import { processContext } from './context.js';
import { serveInBackgroundProcess } from './engine-background.js';
import type { BackgroundServeOptions } from './engine-background-args.js';

/**
 * `labbook engine serve --background` in this process, as the CLI's entry hands it over when
 * a client starts the engine. Bundled apart from the CLI (dist/engine, scripts/bundle-cli.mjs):
 * the engine's code then loads as 5 modules instead of the 38 chunks it spans in the CLI's
 * bundle (Node's ESM loader costs ~0.8 ms a module), and the engine is ready ~11 ms sooner.
 */
export function serveEngineProcess(args: readonly string[], options: BackgroundServeOptions): Promise<number> {
  return serveInBackgroundProcess(processContext(), args, options);
}

import { processContext } from './context.js';
import { serveInBackgroundProcess } from './engine-background.js';
import type { BackgroundServeOptions } from './engine-background-args.js';

/**
 * `labbook engine serve --background` in this process, as the engine's entry (engine-entry.ts)
 * hands it over when a client starts the engine. Bundled apart from the CLI (dist/engine/engine.cjs, see
 * scripts/bundle-cli.mjs), as one CommonJS script: not the 38 chunks the engine's code spans in
 * the CLI's bundle (Node's ESM loader costs ~0.8 ms a module), and compiled with a code cache of
 * all it runs (engine-loader.ts).
 */
export function serveEngineProcess(args: readonly string[], options: BackgroundServeOptions): Promise<number> {
  return serveInBackgroundProcess(processContext(), args, options);
}

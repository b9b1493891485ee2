import nodeModule from 'node:module';
import { PACKAGE_ROOT_PATH } from '../package-files.js';
import { backgroundServeOptions } from './engine-background-args.js';
import { loadEngine } from './engine-loader.js';
import { refuseOldNode } from './node-version.js';

/** The CLI as a process: bin/labbook runs this (bundled with its dependencies, see scripts/bundle-cli.mjs). */

// Before anything that an older Node.js cannot load: the CLI itself comes in by a dynamic import.
refuseOldNode(PACKAGE_ROOT_PATH);

// V8's code cache on disk (in the temporary directory; ignored where it cannot be written):
// every command and the engine start sooner (~10 % less start-up CPU).
nodeModule.enableCompileCache();

// A reader that goes away (`labbook ls | head`) ends the output, not in a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const args = process.argv.slice(2);
// How clients start the engine: served without building the whole command line (~20 ms sooner),
// from the engine's own bundle (engine-main.ts and engine-loader.ts say why), not from chunks of this one.
const background = backgroundServeOptions(args);
if (background) {
  const { engine, codeCache } = loadEngine(process.env);
  process.exitCode = await engine.serveEngineProcess(args, { ...background, codeCache });
} else {
  const { runCli } = await import('./main.js');
  process.exitCode = await runCli(args);
}

import { pathToFileURL } from 'node:url';
import { CLI_PATH, PACKAGE_ROOT_PATH } from '../package-files.js';
import { endOnClosedPipes } from './closed-pipes.js';
import { backgroundServeOptions } from './engine-background-args.js';
import { loadEngine } from './engine-loader.js';
import { refuseOldNode } from './node-version.js';

/**
 * `labbook engine serve`, as clients start the engine (bin/labbook and startEngine run this
 * for it): bundled as one CommonJS script, dist/cli/engine-entry.cjs, so that a new engine
 * neither starts Node's ES module loader nor loads the CLI's chunks (~4 ms of its start, which
 * a client's first request waits for). It serves from the engine's own bundle (engine-loader.ts);
 * any other `engine serve` (the foreground mode, --help) is the CLI's.
 */
refuseOldNode(PACKAGE_ROOT_PATH);
endOnClosedPipes();
const args = process.argv.slice(2);
const background = backgroundServeOptions(args);
if (background) {
  const { engine, codeCache } = loadEngine(process.env);
  void engine.serveEngineProcess(args, { ...background, codeCache }).then((status) => {
    process.exitCode = status;
  });
} else {
  void import(pathToFileURL(CLI_PATH).href); // the CLI runs the same arguments
}

import nodeModule from 'node:module';
import { PACKAGE_ROOT_PATH } from '../package-files.js';
import { endOnClosedPipes } from './closed-pipes.js';
import { refuseOldNode } from './node-version.js';

/** The CLI as a process: bin/labbook runs this (bundled with its dependencies, see scripts/bundle-cli.mjs). */

// Before anything that an older Node.js cannot load: the CLI itself comes in by a dynamic import.
refuseOldNode(PACKAGE_ROOT_PATH);

// V8's code cache on disk (in the temporary directory; ignored where it cannot be written):
// every command and the engine start sooner (~10 % less start-up CPU).
nodeModule.enableCompileCache();

endOnClosedPipes();

// Clients start the engine through engine-entry.ts, not through this.
const { runCli } = await import('./main.js');
process.exitCode = await runCli(process.argv.slice(2));

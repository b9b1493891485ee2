import { readFileSync } from 'node:fs';
import { BUILD_ID_PATH } from './package-files.js';

/**
 * The build of this installation (scripts/bundle-cli.mjs writes it: a digest of its bundled CLI
 * and engine), or null where it was not bundled. On its own, without imports: the CLI's entry
 * names the engine's code cache by it before it loads anything else.
 */
export function readBuildId(): string | null {
  try {
    return readFileSync(BUILD_ID_PATH, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

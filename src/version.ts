import { readFileSync } from 'node:fs';
import { BUILD_ID_PATH, PACKAGE_JSON_PATH } from './package-files.js';

/** The package version, read once from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(PACKAGE_JSON_PATH, 'utf8')) as { version: string }).version;

/**
 * The build of this installation (a digest of its bundled CLI), or null where it was not
 * bundled. Two builds of one version differ in code (a checkout rebuilt after a pull): a client
 * treats an engine of another build as of another version, as Bazel checks its server's
 * binaries, not their version number.
 */
export const BUILD: string | null = readBuild();

function readBuild(): string | null {
  try {
    return readFileSync(BUILD_ID_PATH, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Whether an engine that says it is `engine` runs the code this process runs. */
export function sameLabbook(engine: { version: string; build?: string | null | undefined }): boolean {
  return engine.version === VERSION && (engine.build ?? null) === BUILD;
}

/** A version as a message names it: with its build where the version alone does not tell two apart. */
export function labbookLabel(version: string, build: string | null | undefined, other: { version: string }): string {
  return version === other.version && build ? `${version} (build ${build})` : version;
}

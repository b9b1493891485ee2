import { readFileSync } from 'node:fs';
import { readBuildId } from './build-id.js';
import { PACKAGE_JSON_PATH } from './package-files.js';

/** The package version, read once from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(PACKAGE_JSON_PATH, 'utf8')) as { version: string }).version;

/**
 * The build of this installation (a digest of its bundled CLI and engine), or null where it was
 * not bundled. Two builds of one version differ in code (a checkout rebuilt after a pull): a client
 * treats an engine of another build as of another version, as Bazel checks its server's
 * binaries, not their version number.
 */
export const BUILD: string | null = readBuildId();

/** Whether an engine that says it is `engine` runs the code this process runs. */
export function sameLabbook(engine: { version: string; build?: string | null | undefined }): boolean {
  return engine.version === VERSION && (engine.build ?? null) === BUILD;
}

/** A build as status and logs show it. */
export function buildLabel(build: string | null | undefined): string {
  return build ?? 'none (unbundled)';
}

/**
 * The engine's labbook and this process's as a message names them: each with its build where
 * their versions are the same (the version alone does not tell them apart then).
 */
export function labbookLabels(engine: { version: string; build?: string | null | undefined }): { theirs: string; ours: string } {
  const label = (version: string, build: string | null | undefined) =>
    engine.version === VERSION && build ? `${version} (build ${build})` : version;
  return { theirs: label(engine.version, engine.build), ours: label(VERSION, BUILD) };
}

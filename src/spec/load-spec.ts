import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecError, type SpecIssue, SpecNotFoundError, SpecUnreadableError } from '../errors.js';
import { isPlainObject } from './json-value.js';
import { locateIssues, locateYamlProblems } from './locate-issues.js';
import { type NormalizeOptions, normalizeSpec } from './normalize-spec.js';
import { applyOverrides, parseOverride } from './overrides.js';
import type { RawSpec, RawSpecInput } from './raw-spec-schema.js';
import { readYaml } from './read-yaml.js';
import { decodeSpecFile } from './spec-encoding.js';
import { formatPath, type PathIssue } from './spec-issue.js';
import type { ExperimentSpec } from './types.js';
import { yaml } from './yaml.js';

export interface LoadedSpec {
  spec: ExperimentSpec;
  /** The raw spec with overrides applied: what the store keeps, re-normalised on load. */
  raw: RawSpec;
}

/**
 * Reads a YAML spec, applies Hydra-style overrides and validates it. The file as written
 * is checked first, so that its problems are reported at file:line:column; the result of
 * the overrides is then checked again (overrides may legitimately make an exclude moot).
 */
export function loadSpecFile(file: string, overrideTexts: readonly string[] = [], cwd = process.cwd()): LoadedSpec {
  return loadSpecText(readSpecText(file, cwd), file, overrideTexts);
}

/**
 * The data of a YAML (or JSON) file that configures runs without being a spec (a Python
 * driver's configuration: MLXP's config.yaml, PyExperimenter's experiment configuration), read
 * as specs are: plain data only, its problems reported at file:line:column as a SpecError.
 */
export function readConfigFile(file: string, cwd = process.cwd()): unknown {
  const lineCounter = new (yaml().LineCounter)();
  const read = readYaml(readSpecText(file, cwd), lineCounter);
  if (!read.ok) throw new SpecError(locateYamlProblems(file, lineCounter, read.problems));
  return read.data;
}

/** The text of a spec file, named in messages as the user wrote it and read relative to their directory. */
function readSpecText(file: string, cwd: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw new SpecNotFoundError(file);
    if (code === undefined) throw error;
    // "ELOOP: too many symbolic links encountered, open '/abs/path'" → the reason alone.
    throw new SpecUnreadableError(file, (error as Error).message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+( '.*')?$/s, ''));
  }
  return decodeSpecFile(bytes, file);
}

export function loadSpecText(text: string, file: string, overrideTexts: readonly string[] = []): LoadedSpec {
  // A valid spec written as JSON needs no YAML parser (~35 µs per value of a large grid);
  // one with problems is read again as YAML below, whose document knows where each value is.
  const json = jsonObjectOf(text);
  const valid = json && normalizeSpec(json);
  if (json && valid?.ok) return withOverrides(json, valid, overrideTexts, file);
  // A Python driver's spec is generated from what its script gave (a config matrix): the key
  // says where the problem is; a position in the generated file would mean nothing to the user.
  if (json?.driver !== undefined && valid && !valid.ok) throw new SpecError(valid.issues.map(keyedIssue));
  const lineCounter = new (yaml().LineCounter)();
  const read = readYaml(text, lineCounter);
  if (!read.ok) throw new SpecError(locateYamlProblems(file, lineCounter, read.problems));
  const { doc, data } = read;
  const asWritten = normalizeSpec(data);
  if (!asWritten.ok) throw new SpecError(locateIssues(file, doc, lineCounter, asWritten.issues));
  return withOverrides(data as Record<string, unknown>, asWritten, overrideTexts, file);
}

/** The spec with the overrides applied (checked again: overrides may make an exclude moot). */
function withOverrides(data: Record<string, unknown>, asWritten: LoadedSpec, overrideTexts: readonly string[], file: string): LoadedSpec {
  if (overrideTexts.length === 0) return { spec: asWritten.spec, raw: asWritten.raw };
  const overrides = overrideTexts.map(parseOverride);
  const result = normalizeSpec(applyOverrides(data, overrides), { strictExcludes: false });
  if (!result.ok) throw new SpecError(result.issues.map((issue) => overrideIssue(issue, file)));
  return { spec: result.spec, raw: result.raw };
}

/**
 * The text as a JSON object, if it is one. (JSON.parse keeps the last of duplicate keys,
 * which the YAML parser refuses; JSON writers do not produce them.)
 */
function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Validates a spec given as a TS object (no positions: the key path says where). */
export function defineExperiment(input: RawSpecInput, options: NormalizeOptions = {}): LoadedSpec {
  const result = normalizeSpec(input, options);
  if (!result.ok) throw new SpecError(result.issues.map(keyedIssue));
  return { spec: result.spec, raw: result.raw };
}

/** Re-normalises a raw spec read back from the store (it was valid when written). */
export function specFromRaw(raw: unknown): LoadedSpec {
  return defineExperiment(raw as RawSpecInput, { strictExcludes: false });
}

/** An issue located by its key path alone. */
function keyedIssue(issue: PathIssue): SpecIssue {
  return { key: formatPath(issue.path), message: issue.message };
}

function overrideIssue(issue: PathIssue, file: string): SpecIssue {
  return { file: `${file} (with overrides)`, ...keyedIssue(issue) };
}

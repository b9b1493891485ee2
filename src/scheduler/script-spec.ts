import { readFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { SpecError, UsageError } from '../errors.js';
import { defineExperiment, type LoadedSpec } from '../spec/load-spec.js';
import { applyOverrides, parseOverride } from '../spec/overrides.js';
import type { RawSpecInput } from '../spec/raw-spec-schema.js';

/** A batch script as `labbook sub` submits it (MLXP's mlxpsub): its directives, and the spec of its runs. */
export interface ScriptSubmission {
  loaded: LoadedSpec;
  /** The script's own directive lines (`#SBATCH --time=…`), kept as written. */
  directives: string[];
}

/**
 * The runs of `script` under Hydra-style overrides: one per combination (`lr=10.,1. seed=1,2`
 * is four), each running `bash SCRIPT lr=10 seed=1`, so that a script ending in
 * `python main.py "$@"` hands its combination on as mlxpsub's scripts do. The overrides make
 * the parameters (`lr=…` adds one: the script declares none); the experiment is named after
 * the script unless `name` says otherwise.
 */
export function scriptSubmission(
  script: string,
  overrideTexts: readonly string[],
  options: { cwd: string; directivePrefix: string; name?: string },
): ScriptSubmission {
  const path = resolve(options.cwd, script);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(
      `${script}: no such script to submit; give a bash script with its directives, e.g. labbook sub script.sh lr=0.1,0.01`,
    );
  }
  const overrides = overrideTexts.map((override) => parseOverride(/^[+~]/.test(override) ? override : `+${override}`));
  const keys = overrides.filter((override) => override.mode !== 'delete').map((override) => override.path.join('.'));
  const name = options.name ?? nameOf(script);
  const raw = { name, command: ['bash', path, ...keys.map((key) => `${key}={${key}}`)] };
  let loaded: LoadedSpec;
  try {
    loaded = defineExperiment(applyOverrides(raw, overrides) as RawSpecInput);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw new SpecError(error.issues.map((issue) => ({ ...issue, file: `${script} (with overrides)` })));
  }
  const directives = text
    .split('\n')
    .filter((line) => line.startsWith(`${options.directivePrefix} `))
    .map((line) => line.trimEnd());
  return { loaded, directives };
}

/** `train-big.sh` → `train-big`; characters an experiment name cannot have become `-`. */
function nameOf(script: string): string {
  const stem = basename(script, extname(script)).replace(/[^A-Za-z0-9._-]/g, '-');
  return /^[A-Za-z0-9]/.test(stem) ? stem : `script-${stem}`;
}

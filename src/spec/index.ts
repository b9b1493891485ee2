export { canonicalJson } from './canonical-json.js';
export { fillTemplate, placeholdersOf } from './command-template.js';
export { expandGrid, type PlannedRun } from './expand-grid.js';
export { isPlainObject } from './json-value.js';
export { defineExperiment, type LoadedSpec, loadSpecFile, loadSpecText, specFromRaw } from './load-spec.js';
export { gridSize } from './parameter-grid.js';
export type { RawSpec, RawSpecInput } from './raw-spec-schema.js';
export { runHash } from './run-hash.js';
export type * from './types.js';

export { better, type Result, resultsOf, whyIncomparable } from './comparability.js';
export { type EntityFilter, parseEntityFilter, selectEntities } from './entity-filter.js';
export { entityLabel, newEntity } from './entity-id.js';
export { entityJsonSchema } from './entity-json-schema.js';
export { resolveEntity } from './entity-ref.js';
export { type Leaderboard, leaderboard } from './leaderboard.js';
export { LINEAGE_FORMATS, type LineageFormat, type LineageGraph, lineageGraph, renderLineage } from './lineage-graph.js';
export { parseTolerance, type RegressCheck, type RegressReport, regress, type Tolerance } from './regress.js';

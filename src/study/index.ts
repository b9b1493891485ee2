/**
 * Studies: hyper-parameter searches kept in the store (docs/studies.md). The search core
 * (src/search) proposes and prunes; this component holds a study's trials in the store, each
 * one a run of the study's experiment, and hands them out atomically to any number of clients.
 */

export type { SearchComponent, StudyDefinition, StudyRecord, TrialOutcome, TrialRecord } from '../domain/study.js';
export type { StudyStore } from '../store/study-store.js';
export { PRUNER_NAMES, prunerOf, SAMPLER_NAMES, samplerOf } from './search-components.js';
export { Study, type StudyOptions, TRIAL_LEASE_MS } from './study.js';
export { type StudySummary, summarizeStudy } from './study-summary.js';

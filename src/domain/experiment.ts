import type { JsonValue } from '../spec/types.js';

export interface ExperimentRecord {
  id: number;
  name: string;
  /** The raw spec (overrides applied) as last added; re-normalise with specFromRaw. */
  spec: JsonValue;
  /** The version that spec is (0 when the experiment's runs were all recorded by hand). */
  specVersion: number;
  createdAt: number;
  updatedAt: number;
}

/**
 * One version of an experiment's spec: adding a spec unlike the latest version makes the
 * next one. Each run executes the version it was planned with.
 */
export interface SpecVersion {
  experimentId: number;
  version: number;
  /** The raw spec (overrides applied); re-normalise with specFromRaw. */
  spec: JsonValue;
  createdAt: number;
}

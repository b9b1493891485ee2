import type { StudyDefinition } from '../../src/domain/study.js';

/** A small study of the tests: minimise (x - 0.3)², with a categorical beside x. */
export const QUADRATIC: StudyDefinition = {
  name: 'quad',
  experiment: 'quad-trials',
  space: { x: { uniform: [-1, 1] }, kind: { categorical: ['a', 'b'] } },
  sampler: { name: 'random', options: {} },
  directions: ['minimize'],
  objectives: ['loss'],
  seed: 7,
};

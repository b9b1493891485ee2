/**
 * labbook as a library: define experiments, queue and execute their runs, record and query
 * what they produce. The CLI (src/cli) is built on exactly this.
 */
export * from './engine/index.js';
export * from './errors.js';
export * from './lineage/index.js';
export * from './notify/index.js';
export * from './query/index.js';
export * from './queue/index.js';
export * from './runner/index.js';
export * from './snapshot/index.js';
export * from './spec/index.js';
export * from './store/index.js';
export * from './study/index.js';
export * from './track/index.js';
export { VERSION } from './version.js';

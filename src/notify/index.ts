export { createNotifier, type NotifierOptions } from './notifier.js';
export type { Notifier, RegressionNotice, RunNotice, RunSummary } from './types.js';

export { createNotifier, type NotifierOptions } from './notifier.js';
export type { Notifier, RunNotice, RunSummary } from './types.js';

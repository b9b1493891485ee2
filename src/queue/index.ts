export { type Clock, ManualClock, systemClock } from './clock.js';
export { DEFAULT_LEASE_MS, type EnqueueResult, Queue, type QueueOptions } from './queue.js';
export { resolveRun } from './run-ref.js';
export { isTerminal, MAX_WORKER_LOSSES, RUN_STATES, type RunState, TERMINAL_STATES } from './run-state.js';

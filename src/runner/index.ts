export { CommandExecutor, type CommandExecutorOptions } from './command-executor.js';
export type { Execution, Executor, RunEnd, RunTask, StopReason } from './executor.js';
export { Executors } from './executors.js';
export { FunctionExecutor } from './function-executor.js';
export type { FunctionContext, RunFunction } from './function-thread.js';
export { countStates, type Session, type SessionOptions, type SessionResult, type StopSignal, startSession } from './session.js';
export { Worker, type WorkerEvent, type WorkerOptions, type WorkerReport } from './worker.js';

/**
 * The resident engine: one process per store per host that serves every client over a Unix
 * socket (docs/protocol.md, "The engine protocol"), started on demand and gone when idle.
 */
export { type ConnectOptions, connectEngine, type EngineSession, findEngine } from './connect-engine.js';
export { DEFAULT_IDLE_TIMEOUT_MS, type EngineOptions, type RunningEngine, serveEngine } from './engine.js';
export { EngineClient } from './engine-client.js';
export { type EnginePaths, enginePaths } from './engine-paths.js';
export type { ClientInfo, EngineStatus } from './engine-state.js';
export { HANDLERS, type Method } from './handlers.js';
export { errorBody, type HelloAnswer, PROTOCOL_VERSION } from './protocol.js';

/**
 * What the engine says besides its results: notes, warnings and debugging detail. The CLI
 * gives it a pino logger (src/cli/log.ts) that -v, -q and LABBOOK_LOG tune; a library user
 * may pass any object with these methods, or `silentLog`.
 */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

import { Socket } from 'node:net';

/**
 * The read end of a pipe a Python driver hands the engine it starts: the driver writes one
 * byte for each Ctrl-C it receives. The terminal sends Ctrl-C to the driver and the engine
 * (one process group), `kill -INT` to the driver alone: the driver owns it, so each one
 * reaches the engine exactly once either way. The pipe's end means the driver is gone.
 */
export const DRIVER_INTERRUPTS_VARIABLE = 'LABBOOK_PY_INTERRUPTS';

export interface DriverInterruptHandlers {
  /** The driver received a Ctrl-C. */
  interrupt: () => void;
  /** The driver ended without waiting for the engine (killed): nothing can execute its runs any more. */
  gone: () => void;
}

/**
 * Listens on the driver's pipe named in `env`; returns the function that stops listening, or
 * undefined when no driver handed one over (the engine then takes Ctrl-C from its own SIGINT).
 */
export function listenToDriverInterrupts(env: NodeJS.ProcessEnv, handlers: DriverInterruptHandlers): (() => void) | undefined {
  const fd = env[DRIVER_INTERRUPTS_VARIABLE];
  if (fd === undefined || !/^\d+$/.test(fd)) return undefined;
  const pipe = new Socket({ fd: Number(fd), readable: true, writable: false });
  pipe.on('data', (bytes: Buffer) => {
    for (let i = 0; i < bytes.length; i++) handlers.interrupt();
  });
  pipe.on('end', handlers.gone);
  pipe.on('error', handlers.gone);
  pipe.unref(); // the session's work keeps the engine alive, not this pipe
  return () => pipe.destroy();
}

import { hostname } from 'node:os';
import { z } from 'zod/v3';
import { RUN_RECORD_FIELDS, type RunFilter, type RunState } from '../domain/index.js';
import { describeEnqueue } from '../queue/describe-enqueue.js';
import {
  DRIVER_ARGV_VARIABLE,
  DRIVER_PYTHON_VARIABLE,
  DRIVER_RUNS_PER_SLOT,
  DRIVER_SOCKET_VARIABLE,
  DriverExecutor,
} from '../runner/driver-executor.js';
import { lazyMachine } from '../runner/machine.js';
import { assertFitsMachine } from '../runner/resource-pool.js';
import { sessionExitStatus, sessionReport, sessionSummary } from '../runner/session-summary.js';
import { runWatchedSession, type SessionConsole, type StopRequests } from '../runner/watched-session.js';
import { loadSpecText } from '../spec/load-spec.js';
import { parseNotifyOption } from '../spec/notify-config.js';
import type { Log } from '../util/log.js';
import { releaseRunsOfDeadLocalWorkers } from './dead-workers.js';
import { type Call, jsonObject } from './handler.js';

export const sessionParams = z
  .object({
    /** A spec to add first, as `labbook run` does (its runs execute in the driver); else the queued runs of `experiments`, as `labbook worker`. */
    spec: jsonObject.optional(),
    overrides: z.array(z.string()).default([]),
    /** Run again the runs that already COMPLETED (`labbook run --rerun`). */
    rerun: z.boolean().default(false),
    experiments: z.array(z.string()).optional(),
    jobs: z.number().int().positive(),
    maxRuns: z.number().int().positive().optional(),
    /** The driver's fork server, its command line and its interpreter (recorded as the runs' environment). */
    driver: z.object({ socket: z.string(), argv: z.array(z.string()), python: z.unknown() }).strict(),
    cwd: z.string(),
    env: z.record(z.string()),
    /** Whether the driver's stderr is a terminal: a live progress line, else a line every 30 s. */
    tty: z.boolean().default(false),
    /** The fields of each run in the report (all when left out): what the driver reads of them. */
    runFields: z.array(z.enum(RUN_RECORD_FIELDS)).nonempty().optional(),
  })
  .strict();

export type SessionParams = z.infer<typeof sessionParams>;

/**
 * Runs a Python driver's session in the engine, as `labbook run` (with `spec`) or `labbook
 * worker` would run it for the driver: its runs execute in the driver's slots (the driver's
 * fork server, driver-executor.ts), what the command would print on stderr (progress, notes,
 * the summary) streams to the driver as `{"stderr": text}` rows, each `interrupt` is a Ctrl-C,
 * and a driver that hangs up stops the session as SIGTERM would. Answers what `--report`
 * writes, with the exit status the command would have had.
 */
export async function runDriverSession(params: SessionParams, call: Call): Promise<object> {
  const { engine } = call;
  const console = driverConsole(params, call);
  const log = driverLog(console);
  const env = {
    ...params.env,
    [DRIVER_SOCKET_VARIABLE]: params.driver.socket,
    [DRIVER_ARGV_VARIABLE]: JSON.stringify(params.driver.argv),
    [DRIVER_PYTHON_VARIABLE]: JSON.stringify(params.driver.python),
  };
  const loaded =
    params.spec && loadSpecText(JSON.stringify({ ...params.spec, driver: 'python' }), String(params.spec.name), params.overrides);
  const machine = lazyMachine({}, params.env);
  if (loaded?.spec.resources) assertFitsMachine(loaded.spec.name, loaded.spec.resources, machine());
  let filter: RunFilter = params.experiments ? { experiments: params.experiments } : {};
  // A spec's runs are all the driver's: its slots are forked while they are added (a warm drive of
  // 1,000 trivial runs: ~10% sooner). Queued runs of other experiments may not need them.
  const driver = new DriverExecutor({
    socketPath: params.driver.socket,
    processes: params.jobs,
    cwd: params.cwd,
    storeDir: engine.store.reference,
    now: () => engine.clock.now(),
  });
  if (loaded) driver.openSlots();
  try {
    // A driver resuming a sweep whose engine was killed takes its runs back at once.
    await releaseRunsOfDeadLocalWorkers(engine);
    if (loaded) {
      const requeueStates: RunState[] = params.rerun ? ['FAILED', 'CANCELLED', 'COMPLETED'] : ['FAILED', 'CANCELLED'];
      const enqueue = { requeueStates };
      const enqueued = await engine.queue.enqueue(loaded, enqueue);
      for (const line of describeEnqueue(enqueued, enqueue)) log.info(line);
      // The runs of this spec's settings and command: a run of the same parameters with other ones is not its result.
      filter = { experiments: [enqueued.experiment.name], specVersions: enqueued.equivalentVersions };
    }
    const options = {
      store: engine.store,
      clock: engine.clock,
      host: hostname(),
      pid: process.pid,
      cwd: params.cwd,
      env,
      slots: params.jobs,
      ...(params.maxRuns !== undefined && { maxRuns: params.maxRuns }),
      ...(filter.experiments && { experiments: filter.experiments }),
      ...(loaded && { specs: [loaded.spec] }),
      wait: false,
      waitForOthers: loaded !== undefined,
      runsPerSlot: DRIVER_RUNS_PER_SLOT,
      driver,
      machine,
      killOnInterrupt: false,
      notify: loaded ? loaded.spec.notify : [parseNotifyOption('console', env)],
      log,
    };
    const result = await runWatchedSession(options, console, driverStops(call));
    console.write(sessionSummary(result));
    const fields = params.runFields;
    const report = await sessionReport(result, () => (fields ? engine.store.listRunFields(filter, fields) : engine.store.listRuns(filter)));
    return { ...report, exitStatus: sessionExitStatus(result) };
  } finally {
    await driver.close(); // also when the session failed before it began; the session's executors close it otherwise
  }
}

/** The driver's stderr, streamed to it. */
function driverConsole(params: SessionParams, { send }: Call): SessionConsole & { beforeLine?: () => void } {
  return {
    tty: params.tty,
    quiet: false,
    write(text) {
      void send([{ stderr: text }]).catch(() => {}); // a driver that hung up stops the session; its output goes nowhere
    },
    clearBeforeLogLines(clear) {
      this.beforeLine = clear;
    },
  };
}

/** Notes and warnings as the CLI prints them on stderr (`labbook: warning: …`), above the progress line. */
function driverLog(console: ReturnType<typeof driverConsole>): Log {
  const say = (label: string) => (message: string) => {
    console.beforeLine?.();
    console.write(`labbook: ${label}${message}\n`);
  };
  return { debug() {}, info: say(''), warn: say('warning: '), error: say('error: ') };
}

/** Each `interrupt` of this session is a Ctrl-C; the driver's connection ending is a SIGTERM. */
function driverStops({ session, id }: Call): StopRequests {
  return (stop) => {
    let listening = true;
    session.drives.set(id, stop);
    session.onClose(() => listening && stop('SIGTERM'));
    return () => {
      listening = false;
      session.drives.delete(id);
    };
  };
}

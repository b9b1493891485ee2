import { z } from 'zod/v3';
import { describeEnqueue, enqueueOptions } from '../cli/commands/add.js';
import type { CommandContext } from '../cli/context.js';
import { engineSettings, reportSession, sessionReport } from '../cli/engine-options.js';
import { createLog } from '../cli/log.js';
import { runSessionWith } from '../cli/session-controls.js';
import type { RunFilter } from '../domain/index.js';
import { DRIVER_ARGV_VARIABLE, DRIVER_PYTHON_VARIABLE, DRIVER_RUNS_PER_SLOT, DRIVER_SOCKET_VARIABLE } from '../runner/driver-executor.js';
import { loadSpecText } from '../spec/load-spec.js';
import { parseNotifyOption } from '../spec/notify-config.js';
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
  })
  .strict();

export type SessionParams = z.infer<typeof sessionParams>;

/**
 * Runs a Python driver's session in the engine, as `labbook run` (with `spec`) or `labbook
 * worker` would run it for the driver: its runs execute in the driver's slots (the driver's
 * fork server, driver-executor.ts), what the CLI would print on stderr (progress, notes, the
 * summary) streams to the driver as `{"stderr": text}` rows, each `interrupt` is a Ctrl-C, and
 * a driver that hangs up stops the session as SIGTERM would. Answers what `--report` writes,
 * with the exit status the command would have had.
 */
export async function runDriverSession(params: SessionParams, call: Call): Promise<object> {
  const { engine, session } = call;
  const store = engine.store;
  const ctx = driverContext(params, call);
  const loaded =
    params.spec && loadSpecText(JSON.stringify({ ...params.spec, driver: 'python' }), String(params.spec.name), params.overrides);
  const notify = loaded ? loaded.spec.notify : [parseNotifyOption('console', ctx.env)];
  const settings = engineSettings(ctx, { jobs: String(params.jobs), ...(params.maxRuns && { maxRuns: String(params.maxRuns) }) }, notify);
  let filter: RunFilter = params.experiments ? { experiments: params.experiments } : {};
  // A driver resuming a sweep whose engine was killed takes its runs back at once.
  await releaseRunsOfDeadLocalWorkers(engine);
  if (loaded) {
    const enqueue = enqueueOptions(ctx, {}, params.rerun ? ['FAILED', 'CANCELLED', 'COMPLETED'] : ['FAILED', 'CANCELLED']);
    const enqueued = await engine.queue.enqueue(loaded, enqueue);
    for (const line of describeEnqueue(enqueued, enqueue)) ctx.log.info(line);
    // The runs of this spec's settings and command: a run of the same parameters with other ones is not its result.
    filter = { experiments: [enqueued.experiment.name], specVersions: enqueued.equivalentVersions };
  }
  const result = await runSessionWith(
    ctx,
    {
      ...settings,
      store,
      ...(filter.experiments && { experiments: filter.experiments }),
      wait: false,
      waitForOthers: loaded !== undefined,
      runsPerSlot: DRIVER_RUNS_PER_SLOT,
    },
    (stop) => {
      let listening = true;
      session.drives.set(call.id, stop);
      session.onClose(() => listening && stop('SIGTERM'));
      return () => {
        listening = false;
        session.drives.delete(call.id);
      };
    },
  );
  const runs = () => store.listRuns(filter);
  const exitStatus = await reportSession(ctx, {}, result, runs);
  return { ...(await sessionReport(result, runs)), exitStatus };
}

/** The surroundings of a command, as the driver's: its directory, its environment, its stderr (streamed to it). */
function driverContext(params: SessionParams, { engine, send }: Call): CommandContext {
  const stderr = {
    isTTY: params.tty,
    write(text: string): boolean {
      void send([{ stderr: text }]).catch(() => {}); // a driver that hung up stops the session; its output goes nowhere
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const env = {
    ...params.env,
    [DRIVER_SOCKET_VARIABLE]: params.driver.socket,
    [DRIVER_ARGV_VARIABLE]: JSON.stringify(params.driver.argv),
    [DRIVER_PYTHON_VARIABLE]: JSON.stringify(params.driver.python),
  };
  const { log, sink } = createLog(stderr, {}, env);
  return { cwd: params.cwd, env, stdout: stderr, stderr, clock: engine.clock, log, logSink: sink, quiet: false };
}

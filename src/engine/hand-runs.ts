import { hostname } from 'node:os';
import type { RunState } from '../domain/index.js';
import { BadRequestError, RunBusyError } from '../errors.js';
import type { Clock } from '../queue/clock.js';
import { MetricBatcher } from '../runner/metric-batcher.js';
import { handleRunMessage } from '../runner/run-channel.js';
import { RunRecorder } from '../runner/run-recorder.js';
import { canonicalJson } from '../spec/canonical-json.js';
import { sha256Hex } from '../spec/run-hash.js';
import type { JsonValue, Params } from '../spec/types.js';
import type { Lease, Store } from '../store/types.js';
import { objectsOf, runDirectoryOf } from '../track/store-objects.js';
import type { Session } from './engine-state.js';

/** How long a run by hand stays claimed once its client is gone (killed): then it is a lost worker's. */
export const HAND_RUN_LEASE_MS = 30_000;

interface HandRun {
  lease: Lease;
  recorder: RunRecorder;
  session: Session;
}

export interface StartedHandRun {
  run: number;
  attempt: number;
  runDir: string;
}

/** The spec a run by hand is recorded under: its parameters, one value each. */
function handRunSpec(experiment: string, params: Params): JsonValue {
  const parameters = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, [value]]));
  return { name: experiment, description: 'runs recorded by scripts run by hand', parameters } as JsonValue;
}

/**
 * The runs of scripts run by hand (no worker; docs/python.md): each attempt is found by its
 * parameters' hash or added, and held under a lease that the engine renews while the script's
 * connection lasts. A script that is killed leaves its run to expire like a lost worker's. What
 * the run records comes as messages of the run protocol (docs/protocol.md), as from a worker's run.
 */
export class HandRuns {
  private readonly runs = new Map<number, HandRun>();
  private readonly metrics: MetricBatcher;
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: (message: string) => void,
  ) {
    this.metrics = new MetricBatcher(store, {
      onError: (error) => log(`writing metrics of a run by hand failed: ${(error as Error).message}`),
    });
  }

  async start(session: Session, experiment: string, params: Params, clientPid: number): Promise<StartedHandRun> {
    const now = this.clock.now();
    const workerId = `python:${hostname()}:${clientPid}:${Math.random().toString(16).slice(2, 8)}`;
    const paramsJson = canonicalJson(params);
    const spec = handRunSpec(experiment, params);
    const request = { experiment, hash: sha256Hex(paramsJson), paramsJson, spec, workerId, now, leaseExpiresAt: now + HAND_RUN_LEASE_MS };
    const started = await this.store.startRunByHand(request);
    if ('busy' in started) throw new RunBusyError(started.busy.id, experiment, started.busy.leaseOwner);
    const { id, attempt } = started.started;
    const runDir = runDirectoryOf(this.store, id);
    const services = { store: this.store, objects: objectsOf(this.store), metrics: this.metrics, clock: this.clock };
    this.runs.set(id, { lease: { runId: id, workerId, attempt }, recorder: new RunRecorder(services, id, attempt, runDir), session });
    session.onClose(() => void this.release(id));
    this.renewal ??= setInterval(() => void this.renew(), HAND_RUN_LEASE_MS / 3).unref();
    return { run: id, attempt, runDir };
  }

  /** Records a message of the run protocol (metrics, artifact, checkpoint, log…) and answers it. */
  async message(session: Session, runId: number, message: Record<string, unknown>): Promise<JsonValue> {
    const run = this.held(session, runId);
    try {
      return await handleRunMessage(message, run.recorder, { now: () => this.clock.now() });
    } catch (error) {
      const problem = `a ${JSON.stringify(message.type)} message that could not be handled: ${(error as Error).message}`;
      run.recorder.log('warning', `${problem}; message ignored`); // where a worker's run would find it
      throw new BadRequestError(`run ${runId}: ${problem}`);
    }
  }

  /**
   * Ends the attempt: COMPLETED with the result it sent, or FAILED with `error` (a run by hand
   * is not retried). Null when its lease no longer held (it was cancelled, reset or reaped): nothing is written.
   */
  async finish(session: Session, runId: number, error: string | undefined): Promise<RunState | null> {
    const run = this.held(session, runId);
    await this.release(runId);
    const outcome =
      error === undefined
        ? { kind: 'completed' as const, result: run.recorder.result, exitCode: 0 }
        : { kind: 'failed' as const, reason: 'error', error, exitCode: 1 };
    return (await this.store.finishRun(run.lease, outcome, this.clock.now())) ?? null;
  }

  /** Stores what the runs sent; their leases expire (the engine is stopping). */
  async close(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((id) => this.release(id)));
  }

  private held(session: Session, runId: number): HandRun {
    const run = this.runs.get(runId);
    if (run?.session !== session) throw new BadRequestError(`run ${runId} is not a run this client started by hand (startRun)`);
    return run;
  }

  /** Stops renewing the run's lease, with everything it sent stored. */
  private async release(runId: number): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    this.runs.delete(runId);
    if (this.runs.size === 0) this.renewal = void clearInterval(this.renewal);
    await run.recorder.close();
  }

  private async renew(): Promise<void> {
    const now = this.clock.now();
    for (const { lease } of this.runs.values()) {
      await this.store.renewLeases(lease.workerId, [lease.runId], now + HAND_RUN_LEASE_MS, now).catch((error: Error) => {
        this.log(`renewing the lease of run ${lease.runId} failed: ${error.message}`);
      });
    }
  }
}

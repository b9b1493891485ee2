import { randomBytes } from 'node:crypto';
import { BadRequestError } from '../errors.js';
import type { Clock } from '../queue/clock.js';
import type { Params } from '../spec/types.js';
import type { Session } from './engine-state.js';
import type { HandRuns } from './hand-runs.js';

/**
 * Runs that a Python client on another machine records through the HTTP API ($LABBOOK_URL,
 * docs/python.md). Each is a run by hand (hand-runs.ts) whose client has no connection to
 * hold: it gets a key when it starts, sends each request with it, and sends at least one every
 * REMOTE_HEARTBEAT_MS. A client silent for REMOTE_SILENCE_MS is gone (killed, its machine
 * lost): its run's lease is left to expire, as a killed worker's, and the run is redone.
 */
export const REMOTE_HEARTBEAT_MS = 10_000;
export const REMOTE_SILENCE_MS = 60_000;

/**
 * What a remote client may send: what it measured. A message that names a file (artifact,
 * checkpoint) would name one of the engine's machine, which a remote client may not read.
 */
export const REMOTE_MESSAGE_TYPES = ['metrics', 'result', 'log', 'flush'] as const;

interface RemoteClient {
  session: Session;
  runId: number;
  lastSeen: number;
  hangUp(): void;
}

export class RemoteRuns {
  private readonly clients = new Map<string, RemoteClient>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly handRuns: HandRuns,
    private readonly clock: Clock,
  ) {}

  async start(experiment: string, params: Params): Promise<{ run: number; attempt: number; key: string }> {
    const listeners: Array<() => void> = [];
    const session: Session = {
      greeted: true,
      greet: () => {},
      peerPid: 0,
      onClose: (listener) => listeners.push(listener),
      drives: new Map(),
    };
    const { run, attempt } = await this.handRuns.start(session, experiment, params, 0);
    const key = randomBytes(24).toString('base64url');
    const hangUp = () => {
      for (const listener of listeners) listener();
    };
    this.clients.set(key, { session, runId: run, lastSeen: this.clock.now(), hangUp });
    this.sweep ??= setInterval(() => this.hangUpSilent(), REMOTE_HEARTBEAT_MS).unref();
    return { run, attempt, key };
  }

  /** Records the messages in order; none is a heartbeat. */
  async messages(key: string, runId: number, messages: ReadonlyArray<Record<string, unknown>>): Promise<null> {
    const client = this.client(key, runId);
    for (const message of messages) {
      if (!(REMOTE_MESSAGE_TYPES as readonly unknown[]).includes(message.type)) {
        throw new BadRequestError(
          `run ${runId}: a ${JSON.stringify(message.type)} message cannot come over HTTP; a remote run sends ${REMOTE_MESSAGE_TYPES.join(', ')}`,
        );
      }
      await this.handRuns.message(client.session, runId, message);
    }
    return null;
  }

  async finish(key: string, runId: number, error: string | undefined) {
    const client = this.client(key, runId);
    this.clients.delete(key);
    return this.handRuns.finish(client.session, runId, error);
  }

  private client(key: string, runId: number): RemoteClient {
    const client = this.clients.get(key);
    if (client?.runId !== runId) throw new BadRequestError(`run ${runId} was not started with this key, or its client was silent too long`);
    client.lastSeen = this.clock.now();
    return client;
  }

  /** Lets go of the runs whose client has been silent for REMOTE_SILENCE_MS (every REMOTE_HEARTBEAT_MS, and when a test says). */
  hangUpSilent(): void {
    const now = this.clock.now();
    for (const [key, client] of this.clients) {
      if (now - client.lastSeen < REMOTE_SILENCE_MS) continue;
      this.clients.delete(key);
      client.hangUp();
    }
    if (this.clients.size === 0) this.sweep = void clearInterval(this.sweep);
  }
}

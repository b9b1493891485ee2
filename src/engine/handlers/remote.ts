import { z } from 'zod/v3';
import type { Params } from '../../spec/types.js';
import { handler, jsonObject, runId } from '../handler.js';

const key = z.string().min(1).describe('the key remoteStartRun answered');

/** A Python client elsewhere recording a run through the HTTP API ($LABBOOK_URL; remote-runs.ts). */
export const REMOTE_HANDLERS = {
  /** Starts (or takes over) the run of `params` in `experiment`; answers `{run, attempt, key}`. */
  remoteStartRun: handler(
    z.object({ experiment: z.string().min(1), params: jsonObject.default({}) }).strict(),
    ({ experiment, params }, { engine }) => engine.remoteRuns.start(experiment, params as Params),
    { writes: true },
  ),

  /** Messages of the run protocol (metrics, result, log, flush), recorded in order; an empty list is a heartbeat. */
  remoteRunMessages: handler(
    z.object({ id: runId, key, messages: z.array(jsonObject).max(1000) }).strict(),
    ({ id, key, messages }, { engine }) => engine.remoteRuns.messages(key, id, messages),
    { writes: true },
  ),

  /** Ends the run: COMPLETED with the result it sent, or FAILED with `error`; null when its lease no longer held. */
  remoteFinishRun: handler(
    z.object({ id: runId, key, error: z.string().optional() }).strict(),
    ({ id, key, error }, { engine }) => engine.remoteRuns.finish(key, id, error),
    { writes: true },
  ),
};

import { hostname } from 'node:os';
import { z } from 'zod/v3';
import type { StudyRecord, TrialOutcome, TrialRecord } from '../../domain/study.js';
import type { JsonObject } from '../../spec/types.js';
import { Study, summarizeStudy } from '../../study/index.js';
import type { Session } from '../engine-state.js';
import type { Call } from '../handler.js';
import { handler, jsonObject, noParams } from '../handler.js';

/**
 * Studies over the engine protocol (docs/protocol.md, "Studies"): what the Python client's
 * labbook.Study calls. Each client connection asks through handles of its own, so the trials it
 * holds are renewed while it is connected and given back at once when it goes (its process
 * was killed): the next ask of any client gets them.
 */

/** The study handles of each connection; a connection is forgotten with it. */
const handlesOf = new WeakMap<Session, Map<string, Study>>();

async function studyHandle(name: string, { engine, session }: Call): Promise<Study> {
  let handles = handlesOf.get(session);
  if (!handles) {
    const opened = new Map<string, Study>();
    handlesOf.set(session, opened);
    session.onClose(() => {
      // When the engine itself is stopping the store may be closed: the leases then expire by themselves.
      for (const study of opened.values()) study.close().catch(() => undefined);
    });
    handles = opened;
  }
  let study = handles.get(name);
  if (!study) {
    const owner = `python:${hostname()}:${session.peerPid}:${Math.random().toString(16).slice(2, 8)}`;
    study = await Study.load(engine.store, name, { clock: engine.clock, owner });
    handles.set(name, study);
  }
  return study;
}

/** A trial as a client sees it: the store's bookkeeping (lease, study id) left out. */
function trialView(trial: TrialRecord) {
  return {
    number: trial.number,
    state: trial.state,
    params: trial.params,
    ...(trial.values && { values: trial.values }),
    intermediate: trial.intermediate ?? [],
    run: trial.runId,
  };
}

function studyView(record: StudyRecord) {
  const { id: _id, experimentId: _experimentId, ...view } = record;
  return view;
}

const component = z.union([
  z.string().transform((name) => ({ name, options: {} })),
  z.object({ name: z.string(), options: jsonObject.default({}) }).strict(),
]);
const direction = z.enum(['minimize', 'maximize']);
const studyName = z.string().min(1);
const trialNumber = z.number().int().nonnegative();

export const STUDY_HANDLERS = {
  /** Creates a study (or loads it, `loadIfExists`); answers it as stored, its seed drawn when none was given. */
  createStudy: handler(
    z
      .object({
        name: studyName,
        experiment: z.string().min(1).optional(),
        space: jsonObject,
        sampler: component.default('tpe'),
        pruner: component.optional(),
        directions: z.array(direction).min(1).default(['minimize']),
        objectives: z.array(z.string().min(1)).optional(),
        seed: z.number().int().optional(),
        loadIfExists: z.boolean().default(false),
      })
      .strict(),
    async ({ name, experiment, objectives, seed, loadIfExists, ...rest }, { engine }) => {
      const definition = {
        ...rest,
        name,
        experiment: experiment ?? name,
        space: rest.space as JsonObject,
        sampler: { name: rest.sampler.name, options: rest.sampler.options as JsonObject },
        ...(rest.pruner && { pruner: { name: rest.pruner.name, options: rest.pruner.options as JsonObject } }),
        objectives: objectives ?? (rest.directions.length === 1 ? ['value'] : rest.directions.map((_, i) => `value${i}`)),
        seed: seed ?? Math.floor(Math.random() * 2 ** 31),
      };
      const study = await Study.create(engine.store, definition, { clock: engine.clock, loadIfExists });
      return studyView(study.record);
    },
    { writes: true },
  ),

  /** The next trial of the study, held by this client until it tells it or disconnects; null when the space is exhausted. */
  askTrial: handler(
    z.object({ study: studyName }).strict(),
    async ({ study }, call) => {
      const trial = await (await studyHandle(study, call)).ask();
      return trial ? trialView(trial) : null;
    },
    { writes: true },
  ),

  /** How a trial ended: `values` (COMPLETE), or `state` PRUNED or FAILED (with `error`). */
  tellTrial: handler(
    z
      .object({
        study: studyName,
        number: trialNumber,
        state: z.enum(['COMPLETE', 'PRUNED', 'FAILED']).default('COMPLETE'),
        values: z.array(z.number().nullable()).optional(),
        error: z.string().optional(),
      })
      .strict(),
    async ({ study, number, state, values, error }, call) => {
      const outcome: TrialOutcome =
        state === 'COMPLETE'
          ? { state, values: (values ?? []).map((v) => v ?? Number.NaN) }
          : state === 'FAILED'
            ? { state, ...(error !== undefined && { error }) }
            : { state };
      return trialView(await (await studyHandle(study, call)).tell(number, outcome));
    },
    { writes: true },
  ),

  /** Records an intermediate value; answers whether the study's pruner stops the trial there. */
  reportTrial: handler(
    z.object({ study: studyName, number: trialNumber, step: z.number().int(), value: z.number().nullable() }).strict(),
    async ({ study, number, step, value }, call) => (await studyHandle(study, call)).shouldPrune(number, step, value ?? Number.NaN),
    { writes: true },
  ),

  /** A study with its trials, and the numbers of its best trial (one objective) and of its Pareto front. */
  getStudy: handler(z.object({ name: studyName }).strict(), async ({ name }, { engine }) => {
    // A read needs no handle of the connection's: HTTP's one session outlives engines (and stores) in a process.
    const study = await Study.load(engine.store, name, { clock: engine.clock });
    const trials = await study.trials();
    const { best, pareto } = summarizeStudy(study.record, study.space, trials);
    return {
      ...studyView(study.record),
      trials: trials.map(trialView),
      ...(best && { best: best.number }),
      pareto: pareto.map((trial) => trial.number),
    };
  }),

  listStudies: handler(noParams, async (_params, { engine }) => (await engine.store.studies.listStudies()).map(studyView)),
};

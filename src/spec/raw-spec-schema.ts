import { z } from 'zod/v3';
import { parseDuration } from './duration.js';
import { parseMemorySize } from './memory-size.js';
import type { RawNotifyEntry } from './notify-config.js';
import { MAX_RANGE_VALUES } from './range.js';

/**
 * The spec as a user writes it (YAML or a TS object), before normalisation. Each field's
 * error message says what was expected and shows a fix; cross-field checks (placeholders,
 * exclude keys, ranges) happen in normalize-spec.ts.
 *
 * Zod's v3 API (zod/v3, kept in the zod 4 package): it loads in ~15 ms where the v4 API,
 * which loads its 50-odd locales, takes ~50 ms, and every `labbook run`, `add` and worker
 * pays that before its first run.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** One message for a value of the wrong type and for a missing one (normalize-spec.ts tells them apart). */
const says = (message: string) => ({ invalid_type_error: message, required_error: message });
/** One message for whatever is wrong with a union or a literal. */
const onlyMessage = (message: string) => ({ errorMap: () => ({ message }) });

const EMPTY_COMMAND = 'the command is empty; e.g. command: python train.py --lr {lr}';
const POSITIVE_DURATION = 'expected a positive duration such as 90s, 10m, 1h30m or a number of seconds';
const SEEDS = 'expected a number of seeds (seeds: 5 → seed 0..4) or a list of seeds (seeds: [1, 7, 42])';
/** Node's timers hold at most 2^31 - 1 ms (24.8 days): a longer timeout would fire at once. */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const CPUS = 'expected a whole number of CPUs, e.g. cpus: 4';
const GPUS = 'expected a whole number of GPUs, e.g. gpus: 1';
const GIT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const RECORDED = 'labbook records this when it takes the snapshot; write only code: {snapshot: true}';

const jsonRecord = (what: string, example: string) =>
  z.record(z.string(), z.unknown(), says(`expected a mapping of ${what}, e.g. ${example}`));

const partialAssignments = (key: 'exclude' | 'include') =>
  z.array(
    z.record(
      z.string(),
      z.unknown(),
      says(`each ${key} entry must be a mapping of parameter → value, e.g. - {dataset: digits, model: svc}`),
    ),
    says(`expected a list of partial assignments, e.g. ${key}: [{dataset: digits, model: svc}]`),
  );

export const rawSpecSchema = z
  .object({
    name: z
      .string(says('expected the experiment name as a string, e.g. name: cv-sweep'))
      .regex(NAME, 'use letters, digits, ".", "_" or "-" (starting with a letter or digit), e.g. name: cv-sweep'),
    description: z.string(says('expected a line of text')).optional(),
    parameters: jsonRecord('parameter names to lists of values', 'parameters: {lr: [0.1, 0.01]}').default({}),
    settings: jsonRecord('setting names to constant values', 'settings: {n_fold: 5}').default({}),
    exclude: partialAssignments('exclude').default([]),
    include: partialAssignments('include').default([]),
    command: z
      .union(
        [z.string().min(1, EMPTY_COMMAND), z.array(z.string()).min(1, EMPTY_COMMAND)],
        onlyMessage('expected a command line or an argv list, e.g. command: python train.py --lr {lr}'),
      )
      .optional(),
    function: z
      .string(says('expected a module path, e.g. function: ./train.ts#main'))
      .regex(/^[^#]+(#[A-Za-z_$][\w$]*)?$/, 'write module[#export], e.g. function: ./train.ts#main')
      .optional(),
    driver: z
      .literal('python', onlyMessage("expected 'python' (runs executed by the Python script that added them), e.g. driver: python"))
      .optional(),
    retries: z
      .number(says('expected how often a failed run is retried, a whole number ≥ 0, e.g. retries: 2'))
      .int('expected a whole number ≥ 0, e.g. retries: 2')
      .min(0, 'expected a whole number ≥ 0, e.g. retries: 2')
      .default(0),
    timeout: z
      .union([z.number().positive(POSITIVE_DURATION), z.string()], onlyMessage('expected a duration, e.g. timeout: 90s, 10m or 2h'))
      .refine((v) => typeof v === 'number' || (parseDuration(v) ?? 0) > 0, { message: POSITIVE_DURATION })
      .refine((v) => (typeof v === 'number' ? v : (parseDuration(v) ?? 0)) <= MAX_TIMEOUT_SECONDS, {
        message: 'expected a timeout of at most 24 days (24d); for runs longer than that, give none',
      })
      .optional(),
    seeds: z
      .union(
        [
          z
            .number()
            .int(SEEDS)
            .min(1, 'expected a number of seeds ≥ 1 (seeds: 5 → seed 0..4) or a list of seeds')
            .max(MAX_RANGE_VALUES, `expected at most ${MAX_RANGE_VALUES} seeds, as a range has at most`),
          z.array(z.number().int(SEEDS)).min(1, 'expected at least one seed, e.g. seeds: [1, 7, 42]'),
        ],
        onlyMessage(SEEDS),
      )
      .optional(),
    resources: z
      .object(
        {
          cpus: z.number(says(CPUS)).int(CPUS).min(1, CPUS).optional(),
          gpus: z.number(says(GPUS)).int(GPUS).min(0, GPUS).optional(),
          memory: z
            .string(says('expected a memory size, e.g. memory: 16G'))
            .refine((text) => parseMemorySize(text) !== undefined, 'expected a memory size, e.g. memory: 16G or 512M')
            .optional(),
          time: z.string(says('expected a wall-time limit, e.g. time: 2h')).optional(),
        },
        says('expected a mapping, e.g. resources: {cpus: 4, memory: 16G, gpus: 1}'),
      )
      .strict()
      .optional(),
    tags: z
      .array(z.string(says('each tag is text, e.g. tags: [baseline, v2]')), says('expected a list of tags, e.g. tags: [baseline, v2]'))
      .default([]),
    // A search space (docs/search.md), checked in normalize-spec.ts by parseSearchSpace, which names each problem's key.
    search: z.custom<unknown>(() => true).optional(),
    // Entries are checked in notify-config.ts, where each gets a message of its own.
    notify: z
      .array(
        z.custom<RawNotifyEntry>(() => true),
        says('expected a list of channels, e.g. notify: [console, {webhook: https://hooks.slack.com/services/…}]'),
      )
      .optional(),
    code: z
      .object(
        {
          snapshot: z.boolean(says('expected true or false, e.g. code: {snapshot: true}')),
          allowDirty: z.boolean(says('expected true or false, e.g. code: {snapshot: true, allowDirty: true}')).optional(),
          // Recorded by labbook when it takes the snapshot (src/snapshot/snapshot-spec.ts), not written by hand.
          commit: z.string().regex(GIT_ID, RECORDED).optional(),
          tree: z.string().regex(GIT_ID, RECORDED).optional(),
          workdir: z.string(says(RECORDED)).optional(),
          repository: z.string(says(RECORDED)).optional(),
        },
        says('expected a mapping, e.g. code: {snapshot: true}'),
      )
      .strict()
      .optional(),
  })
  .strict();

export type RawSpec = z.infer<typeof rawSpecSchema>;
export type RawSpecInput = z.input<typeof rawSpecSchema>;
export const SPEC_KEYS = Object.keys(rawSpecSchema.shape);

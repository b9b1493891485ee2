import { z } from 'zod';
import { parseDuration } from './duration.js';
import type { RawNotifyEntry } from './notify-config.js';

/**
 * The spec as a user writes it (YAML or a TS object), before normalisation. Each field's
 * error message says what was expected and shows a fix; cross-field checks (placeholders,
 * exclude keys, ranges) happen in normalize-spec.ts.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const jsonRecord = (what: string) => z.record(z.string(), z.unknown(), { error: `expected a mapping of ${what}, e.g. {n_fold: 5}` });

const partialAssignments = (key: 'exclude' | 'include') =>
  z.array(
    z.record(z.string(), z.unknown(), {
      error: `each ${key} entry must be a mapping of parameter → value, e.g. - {dataset: digits, model: svc}`,
    }),
    { error: `expected a list of partial assignments, e.g. ${key}: [{dataset: digits, model: svc}]` },
  );

export const rawSpecSchema = z
  .object({
    name: z
      .string({ error: 'expected the experiment name as a string, e.g. name: cv-sweep' })
      .regex(NAME, 'use letters, digits, ".", "_" or "-" (starting with a letter or digit), e.g. name: cv-sweep'),
    description: z.string({ error: 'expected a line of text' }).optional(),
    parameters: jsonRecord('parameter names to lists of values').default({}),
    settings: jsonRecord('setting names to constant values').default({}),
    exclude: partialAssignments('exclude').default([]),
    include: partialAssignments('include').default([]),
    command: z
      .union([z.string().min(1), z.array(z.string()).min(1)], {
        error: 'expected a command line or an argv list, e.g. command: python train.py --lr {lr}',
      })
      .optional(),
    function: z
      .string({ error: 'expected a module path, e.g. function: ./train.ts#main' })
      .regex(/^[^#]+(#[A-Za-z_$][\w$]*)?$/, 'write module[#export], e.g. function: ./train.ts#main')
      .optional(),
    driver: z
      .literal('python', { error: "expected 'python' (runs executed by the Python script that added them), e.g. driver: python" })
      .optional(),
    retries: z
      .number({ error: 'expected how often a failed run is retried, a whole number ≥ 0, e.g. retries: 2' })
      .int('expected a whole number ≥ 0, e.g. retries: 2')
      .min(0, 'expected a whole number ≥ 0, e.g. retries: 2')
      .default(0),
    timeout: z
      .union([z.number().positive(), z.string()], { error: 'expected a duration, e.g. timeout: 90s, 10m or 2h' })
      .refine((v) => typeof v === 'number' || (parseDuration(v) ?? 0) > 0, {
        error: 'expected a positive duration such as 90s, 10m, 1h30m or a number of seconds',
      })
      .optional(),
    seeds: z
      .union(
        [
          z.number().int().min(1, 'expected a number of seeds ≥ 1 (seeds: 5 → seed 0..4) or a list of seeds'),
          z.array(z.number().int()).min(1),
        ],
        {
          error: 'expected a number of seeds (seeds: 5 → seed 0..4) or a list of seeds (seeds: [1, 7, 42])',
        },
      )
      .optional(),
    resources: z
      .object(
        {
          cpus: z.number({ error: 'expected a whole number of CPUs, e.g. cpus: 4' }).int().min(1).optional(),
          gpus: z.number({ error: 'expected a whole number of GPUs, e.g. gpus: 1' }).int().min(0).optional(),
          memory: z
            .string({ error: 'expected a memory size, e.g. memory: 16G' })
            .regex(/^\d+(\.\d+)?\s*[KMGT]i?B?$/i, 'expected a memory size, e.g. memory: 16G or 512M')
            .optional(),
          time: z.string({ error: 'expected a wall-time limit, e.g. time: 2h' }).optional(),
        },
        { error: 'expected a mapping, e.g. resources: {cpus: 4, memory: 16G, gpus: 1}' },
      )
      .strict()
      .optional(),
    tags: z.array(z.string(), { error: 'expected a list of tags, e.g. tags: [baseline, v2]' }).default([]),
    // Entries are checked in notify-config.ts, where each gets a message of its own.
    notify: z
      .array(
        z.custom<RawNotifyEntry>(() => true),
        { error: 'expected a list of channels, e.g. notify: [console, {webhook: https://hooks.slack.com/services/…}]' },
      )
      .optional(),
  })
  .strict();

export type RawSpec = z.infer<typeof rawSpecSchema>;
export type RawSpecInput = z.input<typeof rawSpecSchema>;
export const SPEC_KEYS = Object.keys(rawSpecSchema.shape);

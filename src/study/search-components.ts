import { z } from 'zod/v3';
import type { SearchComponent } from '../domain/study.js';
import { UsageError } from '../errors.js';
import {
  AshaPruner,
  GridSampler,
  HyperbandPruner,
  MedianPruner,
  Nsga2Sampler,
  type Pruner,
  RandomSampler,
  type Sampler,
  SuccessiveHalvingPruner,
  TpeSampler,
} from '../search/index.js';

/**
 * The samplers and pruners a study can name, each with the JSON options it takes (those of
 * src/search's classes that are plain values; docs/search.md gives their meaning and defaults).
 * A study records the name and options, so every process rebuilds the same component.
 */
const whole = z.number().int();
const rungs = { minResource: z.number().positive(), reductionFactor: z.number().min(2) };

const SAMPLERS = {
  grid: { options: z.object({}).strict(), make: () => new GridSampler() },
  random: { options: z.object({}).strict(), make: () => new RandomSampler() },
  tpe: {
    options: z
      .object({
        nStartupTrials: whole,
        nEiCandidates: whole,
        priorWeight: z.number(),
        considerMagicClip: z.boolean(),
        considerEndpoints: z.boolean(),
        multivariate: z.boolean(),
        constantLiar: z.boolean(),
      })
      .partial()
      .strict(),
    make: (options: object) => new TpeSampler(options),
  },
  nsga2: {
    options: z
      .object({ populationSize: whole, crossoverProbability: z.number(), swappingProbability: z.number(), mutationProbability: z.number() })
      .partial()
      .strict(),
    make: (options: object) => new Nsga2Sampler(options),
  },
} as const;

const PRUNERS = {
  median: {
    options: z.object({ nStartupTrials: whole, nWarmupSteps: whole, intervalSteps: whole, nMinTrials: whole }).partial().strict(),
    make: (options: object) => new MedianPruner(options),
  },
  asha: {
    options: z
      .object({ ...rungs, minEarlyStoppingRate: whole })
      .partial()
      .strict(),
    make: (options: object) => new AshaPruner(options),
  },
  'successive-halving': {
    options: z
      .object({ ...rungs, cohortSize: whole })
      .partial()
      .extend({ maxResource: z.number().positive() })
      .strict(),
    make: (options: object) => new SuccessiveHalvingPruner(options as { maxResource: number }),
  },
  hyperband: {
    options: z.object(rungs).partial().extend({ maxResource: z.number().positive() }).strict(),
    make: (options: object) => new HyperbandPruner(options as { maxResource: number }),
  },
} as const;

export const SAMPLER_NAMES = Object.keys(SAMPLERS) as Array<keyof typeof SAMPLERS>;
export const PRUNER_NAMES = Object.keys(PRUNERS) as Array<keyof typeof PRUNERS>;

type Registry = Record<string, { options: z.ZodTypeAny; make: (options: object) => unknown }>;

function build<T>(registry: Registry, kind: string, component: SearchComponent): T {
  const entry = registry[component.name];
  if (!entry) throw new UsageError(`unknown ${kind} '${component.name}': use one of ${Object.keys(registry).join(', ')}`);
  const parsed = entry.options.safeParse(component.options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ');
    throw new UsageError(`the ${component.name} ${kind}'s options: ${problems}`);
  }
  return entry.make(parsed.data) as T;
}

/** The sampler a study names, built with its options; refuses an unknown name or option (LB_USAGE). */
export function samplerOf(component: SearchComponent): Sampler {
  return build<Sampler>(SAMPLERS, 'sampler', component);
}

export function prunerOf(component: SearchComponent): Pruner {
  return build<Pruner>(PRUNERS, 'pruner', component);
}

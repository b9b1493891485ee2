import type { TrialParams } from '../src/search/types.js';

/**
 * The standard test functions of the search benchmarks (and of the TPE test), each with its
 * space and its known minimum.
 */
export interface Problem {
  readonly name: string;
  readonly search: Record<string, unknown>;
  readonly minimum: number;
  readonly objective: (params: TrialParams) => number;
}

/** Branin-Hoo on x ∈ [-5, 10], y ∈ [0, 15]: three minima of 0.397887. */
export const branin: Problem = {
  name: 'branin',
  search: { x: { uniform: [-5, 10] }, y: { uniform: [0, 15] } },
  minimum: 0.397887,
  objective: (params) => {
    const x = params.x as number;
    const y = params.y as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
  },
};

const HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/** Hartmann 6-D on [0, 1]^6: minimum -3.32237. */
export const hartmann6: Problem = {
  name: 'hartmann6',
  search: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i}`, { uniform: [0, 1] }])),
  minimum: -3.32237,
  objective: (params) => {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++)
        inner += (HARTMANN_A[i]?.[j] as number) * ((params[`x${j}`] as number) - (HARTMANN_P[i]?.[j] as number)) ** 2;
      sum += (HARTMANN_ALPHA[i] as number) * Math.exp(-inner);
    }
    return -sum;
  },
};

/** The sphere Σ xᵢ² in 20 dimensions on [-5, 5]^20: minimum 0. */
export const sphere20: Problem = {
  name: 'sphere20',
  search: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x${i}`, { uniform: [-5, 5] }])),
  minimum: 0,
  objective: (params) => Object.values(params).reduce((sum: number, x) => sum + (x as number) ** 2, 0),
};

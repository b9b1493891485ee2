import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erfc, logErfc, logGaussMass, logNdtr, ndtr, ndtriExp, truncatedNormalQuantile } from '../../../src/search/math/normal.js';

const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

test('erfc matches the C library to about the last bit, on both sides and in the tails', () => {
  // Python's math.erfc (glibc) at these points.
  const reference: Array<[number, number]> = [
    [0.1, 0.8875370839817152],
    [0.3, 0.6713732405408726],
    [0.9, 0.20309178757716786],
    [1.3, 0.06599205505934755],
    [3, 2.2090496998585438e-5],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
    [-0.5, 1.5204998778130465],
    [-2, 1.9953222650189528],
  ];
  for (const [x, expected] of reference) close(erfc(x), expected, 4e-16, `erfc(${x})`);
});

test('log erfc stays finite and exact far past where erfc underflows', () => {
  // The asymptotic series -x² - ln(x√π) + ln(1 - 1/(2x²) + 3/(4x⁴) - …).
  const reference: Array<[number, number]> = [
    [10, -102.87988902484489],
    [30, -903.9741171106439],
    [100, -10005.177585122665],
    [1000, -1000007.4801207219],
  ];
  for (const [x, expected] of reference) close(logErfc(x), expected, 1e-14, `logErfc(${x})`);
});

test('log Φ is accurate in both tails', () => {
  close(logNdtr(-40), logErfc(40 / Math.SQRT2) - Math.LN2, 1e-15, 'left tail');
  close(logNdtr(10), -7.61985302416047e-24, 1e-9, 'right tail, where Φ rounds to 1');
  close(logNdtr(0), Math.log(0.5), 1e-15, 'middle');
});

test('the Gaussian mass of an interval, even 60 σ out, on either side', () => {
  close(logGaussMass(-1, 1), Math.log(0.6826894921370859), 1e-14, 'central');
  close(logGaussMass(60, 60.5), logGaussMass(-60.5, -60), 1e-15, 'symmetric');
  const far = logGaussMass(60, 60.5);
  assert.ok(Number.isFinite(far) && far < -1800, `${far}`);
  close(Math.exp(logGaussMass(1, 2)), ndtr(2) - ndtr(1), 1e-13, 'right side');
});

test('ndtriExp inverts log Φ, from 1e-300 to just below 1', () => {
  // Python's statistics.NormalDist().inv_cdf.
  const reference: Array<[number, number]> = [
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.3, -0.5244005127080407],
    [0.9, 1.2815515655446008],
    [0.999999, 4.753424308817089],
  ];
  for (const [p, z] of reference) close(ndtriExp(Math.log(p)), z, 1e-9, `p = ${p}`);
  assert.ok(Math.abs(ndtriExp(Math.log(0.5))) < 1e-12);
  close(logNdtr(ndtriExp(-700)), -700, 1e-12, 'deep left tail');
});

test('a truncated normal quantile stays inside its interval and is monotone', () => {
  for (const [a, b] of [
    [-1, 2],
    [-0.1, 50],
    [0, 1],
    [-80, 0.5],
  ] as Array<[number, number]>) {
    let previous = Number.NEGATIVE_INFINITY;
    for (let q = 0; q <= 1; q += 0.05) {
      const z = truncatedNormalQuantile(q, a, b);
      assert.ok(z >= a && z <= b && z >= previous - 1e-12, `[${a}, ${b}] q=${q}: ${z}`);
      previous = z;
    }
  }
  assert.ok(Math.abs(truncatedNormalQuantile(0.5, -1, 1)) < 1e-12, 'median of a symmetric truncation');
  close(ndtr(truncatedNormalQuantile(0.25, -1, 2)), ndtr(-1) + 0.25 * (ndtr(2) - ndtr(-1)), 1e-12, 'quantile');
});

/**
 * The standard normal distribution in log space, accurate far into the tails, for the Parzen
 * estimators of TPE: a kernel's mass over a narrow step far from its centre is e^-5000 and
 * must still compare with its neighbours'. erf and erfc follow FreeBSD's msun s_erf.c
 * (Sun's fdlibm, whose rational approximations are accurate to double precision).
 */

// fdlibm's constants, each written in the shortest form that reads back as the same double.
const ERX = 0.8450629115104675;
const EFX = 0.1283791670955126;
const PP = [0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442, -0.000023763016656650163];
const QQ = [1, 0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164, -0.000003960228278775368];
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668, 0.035478304325618236,
  -0.002166375594868791,
];
const QA = [1, 0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905, 0.011984499846799107];
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347, -184.60509290671104,
  -81.2874355063066, -9.814329344169145,
];
const SA = [
  1, 19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783, 108.63500554177944,
  6.570249770319282, -0.0604244152148581,
];
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896, -1025.0951316110772,
  -483.5191916086514,
];
const SB = [
  1, 30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644, 474.52854120695537,
  -22.44095244658582,
];

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;

function polynomial(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + (coefficients[i] as number);
  return sum;
}

/** erf(x) = x + x·P(x²)/Q(x²) for |x| < 0.84375. */
function erfRatio(z: number): number {
  return polynomial(PP, z) / polynomial(QQ, z);
}

function erfSmall(x: number): number {
  return Math.abs(x) < 2 ** -28 ? x + EFX * x : x + x * erfRatio(x * x);
}

/** erf(|x|) - erx for 0.84375 <= |x| < 1.25. */
function erfNearOne(ax: number): number {
  const s = ax - 1;
  return polynomial(PA, s) / polynomial(QA, s);
}

/** R(1/x²)/S(1/x²) of fdlibm for x >= 1.25: erfc(x) = exp(-x² - 0.5625 + R/S) / x. */
function tailRatio(x: number): number {
  const s = 1 / (x * x);
  return x < 1 / 0.35 ? polynomial(RA, s) / polynomial(SA, s) : polynomial(RB, s) / polynomial(SB, s);
}

/**
 * log(erfc(x)) for x >= 1.25. Past fdlibm's upper limit of 28, R/S tends to log(1/√π) +
 * 0.5625, the asymptote, so the formula holds there too, where erfc itself underflows.
 */
function logErfcLarge(x: number): number {
  return -x * x - 0.5625 + tailRatio(x) - Math.log(x);
}

const words = new DataView(new ArrayBuffer(8));

/** x with the low 32 bits of its mantissa cleared, so that its square is exact (fdlibm's SET_LOW_WORD(z, 0)). */
function highPart(x: number): number {
  words.setFloat64(0, x);
  words.setUint32(4, 0);
  return words.getFloat64(0);
}

export function erfc(x: number): number {
  const ax = Math.abs(x);
  // Below 1/4 erf is small enough to subtract from 1; above, fdlibm regroups the sum to keep its bits.
  if (ax < 0.84375) return x < 0.25 ? 1 - erfSmall(x) : 0.5 - (x * erfRatio(x * x) + (x - 0.5));
  if (ax < 1.25) return x >= 0 ? 1 - ERX - erfNearOne(ax) : 1 + ERX + erfNearOne(ax);
  // exp(-x²) as exp(-z²) · exp((z - x)(z + x)) keeps the bits that rounding x² would lose.
  const z = highPart(ax);
  const tail = (Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + tailRatio(ax))) / ax;
  return x >= 0 ? tail : 2 - tail;
}

/** log(erfc(x)), finite for every finite x. */
export function logErfc(x: number): number {
  return x >= 1.25 ? logErfcLarge(x) : Math.log(erfc(x));
}

/** Φ(z), the standard normal CDF. */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** log Φ(z), accurate in both tails. */
export function logNdtr(z: number): number {
  return z < -1 ? logErfc(-z * SQRT1_2) - Math.LN2 : Math.log1p(-0.5 * erfc(z * SQRT1_2));
}

export function logNormalPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** log(e^p - e^q) for p >= q. */
function logDiff(p: number, q: number): number {
  return q === Number.NEGATIVE_INFINITY ? p : p + Math.log1p(-Math.exp(q - p));
}

/** log(Φ(b) - Φ(a)) for a < b, computed on the side where it does not cancel. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/**
 * The z with log Φ(z) = y (y <= 0), by Newton's method on log Φ from the initial guesses of
 * Optuna's _ndtri_exp: the Gaussian tail far out, the logistic approximation of Φ elsewhere.
 * Close to y = 0 it solves the mirror problem log Φ(-z) = log(1 - e^y) for precision.
 */
export function ndtriExp(y: number): number {
  const mirrored = y > -1e-2;
  const target = mirrored ? Math.log(-Math.expm1(y)) : y;
  let z = target < -5 ? -Math.sqrt(-2 * (target + LOG_SQRT_2PI)) : -(Math.sqrt(3) / Math.PI) * Math.log(Math.expm1(-target));
  for (let i = 0; i < 100; i++) {
    const logPhi = logNdtr(z);
    const step = (logPhi - target) * Math.exp(logPhi - logNormalPdf(z));
    z -= step;
    if (Math.abs(step) <= 1e-12 * Math.max(1, Math.abs(z))) break;
  }
  return mirrored ? -z : z;
}

/**
 * The q-quantile (0 <= q <= 1) of the standard normal truncated to [a, b]: the z with
 * Φ(z) = Φ(a) + q (Φ(b) - Φ(a)), solved on the side of the smaller tail.
 */
export function truncatedNormalQuantile(q: number, a: number, b: number): number {
  const logMass = logGaussMass(a, b);
  const z = a < 0 ? ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass)) : -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
  return Math.min(b, Math.max(a, z));
}

function logAddExp(p: number, q: number): number {
  const high = Math.max(p, q);
  if (high === Number.NEGATIVE_INFINITY) return high;
  return high + Math.log1p(Math.exp(Math.min(p, q) - high));
}

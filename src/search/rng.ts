/**
 * The pseudo-random generator of the search: xoshiro128** 1.1 (Blackman & Vigna), seeded
 * through SplitMix64, so that the same seed gives the same trials on every machine and in
 * every language. docs/search.md states the algorithm for other implementations and
 * test/vectors/search-rng.json holds reference outputs.
 *
 * Seeding: a SplitMix64 generator starts at `seed XOR mix64(stream)` (64-bit); its first two
 * outputs, low 32 bits then high 32 bits of each, are the four state words. Stream 0 is plain
 * SplitMix64 seeding (mix64(0) = 0); the search draws each trial from the stream of its
 * number, so a trial's parameters do not depend on how many numbers earlier asks consumed.
 */
const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** SplitMix64's output function: a bijection of 64-bit integers, 0 to 0. */
function mix64(x: bigint): bigint {
  let z = x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` and `stream`: integers taken modulo 2^64 (a negative one as its two's complement). */
  constructor(seed: number | bigint, stream: number | bigint = 0) {
    let state = BigInt.asUintN(64, BigInt(seed)) ^ mix64(BigInt.asUintN(64, BigInt(stream)));
    const next = (): bigint => {
      state = (state + GOLDEN_GAMMA) & MASK64;
      return mix64(state);
    };
    const first = next();
    const second = next();
    this.s0 = Number(first & 0xffffffffn);
    this.s1 = Number(first >> 32n);
    this.s2 = Number(second & 0xffffffffn);
    this.s3 = Number(second >> 32n);
  }

  /** The next 32-bit output, as an integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits, from two outputs: (a >> 5, b >> 6) as in genrand_res53. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  /** An integer in [0, n): floor(nextFloat() * n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

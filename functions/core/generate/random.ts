/**
 * Seeded randomness for the event generator, on pure-rand's xoroshiro128+. The generator uses only integer
 * draws and exactly rounded arithmetic (+, -, *, /, floor, round; no Math.random, no Math.log or Math.exp,
 * whose last bits may differ between engines), so a seed gives the same numbers on every machine.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const TWO_POW_32 = 4_294_967_296;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));
const byteHex = (n: number) => BYTE_HEX[n & 255] ?? '00';

/** The 8 lowercase hex digits of a 32-bit integer (a table lookup: Number#toString(16) is slow here). */
function hex8(n: number): string {
  return byteHex(n >>> 24) + byteHex(n >>> 16) + byteHex(n >>> 8) + byteHex(n);
}

/** A list of choices with integer weights, e.g. `[['USD', 3], ['EUR', 1]]`. */
export type Weighted<T> = readonly (readonly [T, number])[];

export class Random {
  readonly #rng: RandomGenerator;

  constructor(rng: RandomGenerator) {
    this.#rng = rng;
  }

  /** An integer in [min, max], both included, uniformly. */
  int(min: number, max: number): number {
    return uniformInt(this.#rng, min, max);
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    return this.#rng.next() >>> 0 < p * TWO_POW_32;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('Random.pick: nothing to pick from');
    return item;
  }

  weighted<T>(choices: Weighted<T>): T {
    let total = 0;
    for (const [, weight] of choices) total += weight;
    let ticket = this.int(1, total);
    for (const [value, weight] of choices) {
      ticket -= weight;
      if (ticket <= 0) return value;
    }
    throw new RangeError('Random.weighted: no choice with a positive weight');
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += hex8(this.#rng.next());
    return out.slice(0, length);
  }

  /** `length` characters from [A-Za-z0-9]. */
  alphanumeric(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(this.int(0, ALPHANUMERIC.length - 1));
    return out;
  }

  /** A random (version 4, RFC 9562 variant) UUID, lowercase, like the ids EventBridge gives events. */
  uuid(): string {
    const a = hex8(this.#rng.next());
    const b = hex8((this.#rng.next() & 0xffff0fff) | 0x4000); // version 4
    const c = hex8((this.#rng.next() & 0x3fffffff) | 0x80000000); // variant 10
    const d = hex8(this.#rng.next());
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}

/**
 * Independent random streams from one seed (0 to 2^32 - 1): each `next()` is 2^64 draws further along the
 * xoroshiro128+ sequence than the one before, so the streams never overlap. Giving every customer their own
 * stream makes a customer's behaviour depend only on the seed and their number, not on how many other
 * customers there are or how their events interleave.
 */
export class RandomStreams {
  readonly #base: JumpableRandomGenerator;

  constructor(seed: number) {
    this.#base = xoroshiro128plus(seed);
    // The first outputs of a small seed are poorly mixed; skip them.
    for (let i = 0; i < 16; i++) this.#base.next();
  }

  next(): Random {
    const stream = this.#base.clone();
    this.#base.jump();
    return new Random(stream);
  }
}

/** murmur3's 32-bit finalizer: each input bit changes about half the output bits, in exact integer arithmetic. */
function fmix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** One 32-bit lane of a key: the key's numbers folded through fmix32, from a start that differs per lane. */
function mixKey(lane: number, key: readonly number[]): number {
  let h = fmix32(Math.imul(lane + 1, 0x9e3779b9));
  for (const part of key) h = fmix32((h ^ fmix32(part)) + 0x7f4a7c15);
  return h | 0;
}

/**
 * A stream that depends only on `key` (whole numbers from 0 to 2^32 - 1, e.g. the seed, a customer's number and
 * a purpose), the same on every machine. It is for draws that must not take numbers from a customer's stream,
 * which would change everything the customer does after them. Its 128-bit state is four mixes of the key, so two
 * keys practically never share a stream, nor does a key land on a RandomStreams stream.
 */
export function keyedRandom(...key: readonly number[]): Random {
  const state = [0, 1, 2, 3].map((lane) => mixKey(lane, key));
  // The all-zero state is xoroshiro's one fixed point (odds 2^-128, but then every draw would be 0).
  if (!state.some((lane) => lane !== 0)) state[0] = 1;
  return new Random(xoroshiro128plusFromState(state));
}

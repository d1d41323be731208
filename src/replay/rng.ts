/**
 * @module
 * A small seedable random number generator, so that samplers can be tested against their
 * expected distributions with a fixed seed, and runs can be reproduced.
 */

/** A source of uniform random numbers in `[0, 1)`. */
export interface Rng {
  /** The next number, uniform in `[0, 1)`. */
  next(): number;
}

const TWO_POW_32 = 4_294_967_296;

/**
 * A generator seeded with `seed` (sfc32, seeded through splitmix32). The same seed gives
 * the same sequence on every platform. Without a seed, one is drawn from `Math.random`.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.next(); // always the same first value for seed 42
 * ```
 */
export function createRng(seed?: number): Rng {
  let state = (seed ?? Math.floor(Math.random() * TWO_POW_32)) >>> 0;
  // splitmix32 spreads a small seed over the 128 bits of sfc32's state.
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm-up rounds, as sfc32's authors recommend, so nearby seeds diverge at once.
  for (let i = 0; i < 12; i++) next32();
  return {
    // Two draws make a 53-bit fraction: one 32-bit draw alone cannot resolve priorities
    // of items in a table of millions.
    next: () => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53,
  };
}

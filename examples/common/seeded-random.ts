/**
 * A seeded random source for the examples, so a run (and its test) can be repeated
 * exactly. The generator comes from `pure-rand`; this file only adds the few
 * distributions the examples need.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Uniform and Gaussian draws from one seeded generator. */
export class SeededRandom {
  private readonly generator: RandomGenerator;
  // Box-Muller yields normals in pairs; the second waits here for the next call.
  private spareNormal: number | undefined;

  /** Starts the sequence of `seed` (an integer; equal seeds give equal sequences). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`SeededRandom: the seed must be an integer, got ${seed}`);
    }
    this.generator = xoroshiro128plus(seed);
  }

  /** A uniform draw in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** A uniform draw in [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw. */
  normal(): number {
    const spare = this.spareNormal;
    if (spare !== undefined) {
      this.spareNormal = undefined;
      return spare;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

/**
 * @module
 * Rate limiter specs: plain data describing how a table paces inserts against samples,
 * with Reverb's parameters. {@link RateLimiters} builds the common ones.
 */
import { LaunchpadError } from '../errors/errors.ts';

/**
 * Reverb's rate limiter parameters. With `diff = inserts × samplesPerInsert − samples`:
 * a sample may proceed when the table holds at least `minSizeToSample` items and
 * `diff − 1 ≥ minDiff`; an insert may proceed while the table (after it) holds at most
 * `minSizeToSample` items, or else when `diff + samplesPerInsert ≤ maxDiff`.
 */
export interface RateLimiterSpec {
  /** How many samples each insert allows, on average. */
  readonly samplesPerInsert: number;
  /** Samples wait until the table holds at least this many items (at least 1). */
  readonly minSizeToSample: number;
  /** The lowest `diff` a sample may leave behind; `-Infinity` never blocks samples. */
  readonly minDiff: number;
  /** The highest `diff` an insert may reach; `Infinity` never blocks inserts. */
  readonly maxDiff: number;
}

/** Options of {@link RateLimiters.sampleToInsertRatio}. */
export interface SampleToInsertRatioOptions {
  /** The target number of samples per insert. */
  readonly samplesPerInsert: number;
  /** Samples wait until the table holds this many items. */
  readonly minSizeToSample: number;
  /**
   * How far the ratio may drift: a number `e` allows `diff` in
   * `[offset − e, offset + e]` with `offset = samplesPerInsert × minSizeToSample`; a pair
   * gives `[minDiff, maxDiff]` directly. The range must be at least
   * `2 × max(1, samplesPerInsert)` wide, or inserts and samples could block each other
   * forever.
   */
  readonly errorBuffer: number | readonly [number, number];
}

/**
 * Builders of {@link RateLimiterSpec}s, as Reverb's `rate_limiters` module offers.
 *
 * @example
 * ```ts
 * RateLimiters.sampleToInsertRatio({ samplesPerInsert: 4, minSizeToSample: 100, errorBuffer: 50 })
 * ```
 */
export const RateLimiters = {
  /** Blocks samples until the table holds `minSize` items; never blocks inserts. */
  minSize: (minSize: number): RateLimiterSpec => ({
    samplesPerInsert: 1,
    minSizeToSample: minSize,
    minDiff: Number.NEGATIVE_INFINITY,
    maxDiff: Number.POSITIVE_INFINITY,
  }),
  /** Keeps samples per insert near a target, blocking whichever side runs ahead. */
  sampleToInsertRatio: (options: SampleToInsertRatioOptions): RateLimiterSpec => {
    const { samplesPerInsert, minSizeToSample, errorBuffer } = options;
    let minDiff: number;
    let maxDiff: number;
    if (typeof errorBuffer === 'number') {
      const offset = samplesPerInsert * minSizeToSample;
      minDiff = offset - errorBuffer;
      maxDiff = offset + errorBuffer;
    } else {
      [minDiff, maxDiff] = errorBuffer;
    }
    const needed = 2 * Math.max(1, samplesPerInsert);
    if (maxDiff - minDiff < needed) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `Expected the error buffer of a sample-to-insert ratio limiter to span at least ` +
          `2 × max(1, samplesPerInsert) = ${needed}, got [${minDiff}, ${maxDiff}]; with a ` +
          'narrower buffer inserts and samples can block each other forever. Widen errorBuffer.',
      );
    }
    return { samplesPerInsert, minSizeToSample, minDiff, maxDiff };
  },
  /**
   * A queue of `size`: inserts block while `size` items wait, samples block while the
   * table is empty. Use with FIFO sampler and remover and `maxTimesSampled: 1`
   * ({@link queueTable}).
   */
  queue: (size: number): RateLimiterSpec => ({
    samplesPerInsert: 1,
    minSizeToSample: 1,
    minDiff: 0,
    maxDiff: size,
  }),
} as const;

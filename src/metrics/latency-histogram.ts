/**
 * @module
 * A histogram with fixed bucket bounds: one array of plain numbers, so that recording a
 * value allocates nothing and costs a short scan.
 */

/**
 * The bucket bounds of every call-latency histogram, in seconds: from half a millisecond
 * (a call between threads) to ten seconds (a call stuck behind a busy node).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A histogram's cumulative-free state, as it travels to the launcher. */
export interface HistogramSnapshot {
  /** Upper bounds of the buckets (`le`), ascending; the `+Inf` bucket is implied. */
  readonly bounds: readonly number[];
  /** How many values fell in each bucket (not cumulative); one more entry than `bounds`. */
  readonly counts: readonly number[];
  /** The sum of every value recorded. */
  readonly sum: number;
  /** How many values were recorded. */
  readonly count: number;
}

/** A histogram of values against fixed bucket bounds. */
export class FixedHistogram {
  /** Upper bounds of the buckets, ascending. */
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  /** @param bounds - the bucket bounds, ascending (checked by the caller) */
  constructor(bounds: readonly number[] = LATENCY_BUCKETS_SECONDS) {
    this.bounds = bounds;
    this.#counts = new Array<number>(bounds.length + 1).fill(0);
  }

  /** Records one value. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    // A value equal to a bound belongs to that bucket, as Prometheus' `le` says.
    while (index < bounds.length && value > (bounds[index] ?? Number.POSITIVE_INFINITY)) index++;
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
    this.#sum += value;
    this.#count++;
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#count;
  }

  /** A copy of the current state. */
  snapshot(): HistogramSnapshot {
    return { bounds: this.bounds, counts: [...this.#counts], sum: this.#sum, count: this.#count };
  }
}

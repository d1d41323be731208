/**
 * @module
 * {@link SumTree}: a binary tree over an array of non-negative weights that keeps the
 * sum of every subtree, so that setting a weight and drawing an index with probability
 * proportional to its weight both take O(log n).
 */

/** Non-negative weights at indices `0..size-1`, with O(log n) update and weighted draw. */
export class SumTree {
  // Node i has children 2i and 2i+1; leaves start at `#capacity`. Node 0 is unused.
  #nodes: Float64Array;
  #capacity: number;

  /** @param initialCapacity - leaves to allocate up front; the tree doubles when needed */
  constructor(initialCapacity = 1024) {
    this.#capacity = 1;
    while (this.#capacity < initialCapacity) this.#capacity *= 2;
    this.#nodes = new Float64Array(2 * this.#capacity);
  }

  /** The sum of all weights. */
  get total(): number {
    return this.#nodes[1] ?? 0;
  }

  /** The weight at `index` (0 when never set). */
  get(index: number): number {
    return index < this.#capacity ? (this.#nodes[this.#capacity + index] ?? 0) : 0;
  }

  /** Sets the weight at `index`, growing the tree if needed. */
  set(index: number, weight: number): void {
    while (index >= this.#capacity) this.#grow();
    const nodes = this.#nodes;
    let node = this.#capacity + index;
    nodes[node] = weight;
    // Parents are recomputed from their children rather than adjusted by a delta, so
    // rounding errors never accumulate over millions of updates.
    for (node >>= 1; node >= 1; node >>= 1) {
      nodes[node] = (nodes[2 * node] ?? 0) + (nodes[2 * node + 1] ?? 0);
    }
  }

  /**
   * The index whose cumulative weight range contains `mass`, for `mass` in
   * `[0, total)`. Indices of weight 0 are never returned while the total is positive.
   */
  find(mass: number): number {
    const nodes = this.#nodes;
    let node = 1;
    let remaining = mass;
    while (node < this.#capacity) {
      const left = nodes[2 * node] ?? 0;
      const right = nodes[2 * node + 1] ?? 0;
      // Going right also when rounding leaves `remaining` just past the left sum but the
      // right subtree is empty would pick a zero weight; prefer the non-empty side.
      if ((remaining < left && left > 0) || right <= 0) {
        node = 2 * node;
      } else {
        remaining -= left;
        node = 2 * node + 1;
      }
    }
    return node - this.#capacity;
  }

  #grow(): void {
    const oldCapacity = this.#capacity;
    const old = this.#nodes;
    this.#capacity *= 2;
    this.#nodes = new Float64Array(2 * this.#capacity);
    this.#nodes.set(old.subarray(oldCapacity, 2 * oldCapacity), this.#capacity);
    for (let node = this.#capacity - 1; node >= 1; node--) {
      this.#nodes[node] = (this.#nodes[2 * node] ?? 0) + (this.#nodes[2 * node + 1] ?? 0);
    }
  }
}

/**
 * @module
 * {@link PrioritizedSelector}: Reverb's prioritized sampling. A key of priority `p` is
 * picked with probability `p^α / Σ p_i^α`, where `α` is the priority exponent, in
 * O(log n) through a {@link SumTree}.
 */
import { defined } from './defined.ts';
import type { Rng } from './rng.ts';
import type { Selection, Selector } from './selector.ts';
import { SumTree } from './sum-tree.ts';

/** Picks keys with probability proportional to `priority ** priorityExponent`. */
export class PrioritizedSelector implements Selector {
  readonly #keys: number[] = [];
  readonly #positions = new Map<number, number>();
  readonly #tree = new SumTree();
  readonly #exponent: number;
  readonly #rng: Rng;

  /**
   * @param priorityExponent - `α`: 0 samples uniformly, 1 proportionally to priority
   * @param rng - the random source
   */
  constructor(priorityExponent: number, rng: Rng) {
    this.#exponent = priorityExponent;
    this.#rng = rng;
  }

  /** How many keys the selector holds. */
  get size(): number {
    return this.#keys.length;
  }

  /** Adds a key with its priority. */
  insert(key: number, priority: number): void {
    const position = this.#keys.length;
    this.#positions.set(key, position);
    this.#keys.push(key);
    this.#tree.set(position, this.#weight(priority));
  }

  /** Changes a key's priority in O(log n). */
  update(key: number, priority: number): void {
    const position = this.#positions.get(key);
    if (position !== undefined) this.#tree.set(position, this.#weight(priority));
  }

  /** Removes a key in O(log n), moving the last key into its slot. */
  delete(key: number): void {
    const position = this.#positions.get(key);
    if (position === undefined) return;
    const lastPosition = this.#keys.length - 1;
    const last = defined(this.#keys.pop(), 'the last key');
    this.#positions.delete(key);
    if (last !== key) {
      this.#keys[position] = last;
      this.#positions.set(last, position);
      this.#tree.set(position, this.#tree.get(lastPosition));
    }
    this.#tree.set(lastPosition, 0);
  }

  /**
   * Picks one key. When every priority is 0 there is nothing to weigh by, so the pick is
   * uniform (as in Reverb), rather than an error that would stall the learner.
   */
  select(): Selection {
    const total = this.#tree.total;
    const size = this.#keys.length;
    if (!(total > 0)) {
      const index = Math.min(size - 1, Math.floor(this.#rng.next() * size));
      return { key: defined(this.#keys[index], `key ${index}`), probability: 1 / size };
    }
    const position = Math.min(size - 1, this.#tree.find(this.#rng.next() * total));
    return {
      key: defined(this.#keys[position], `key ${position}`),
      probability: this.#tree.get(position) / total,
    };
  }

  #weight(priority: number): number {
    // 0 ** 0 is 1 in JavaScript; a zero priority must stay unsampled even when α = 0.
    return priority === 0 ? 0 : priority ** this.#exponent;
  }
}

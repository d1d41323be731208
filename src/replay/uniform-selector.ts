/**
 * @module
 * {@link UniformSelector}: every key equally likely, O(1) for every operation.
 */
import { defined } from './defined.ts';
import type { Rng } from './rng.ts';
import type { Selection, Selector } from './selector.ts';

/** Picks uniformly at random among the keys it holds. */
export class UniformSelector implements Selector {
  readonly #keys: number[] = [];
  readonly #positions = new Map<number, number>();
  readonly #rng: Rng;

  /** @param rng - the random source */
  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** How many keys the selector holds. */
  get size(): number {
    return this.#keys.length;
  }

  /** Adds a key. */
  insert(key: number): void {
    this.#positions.set(key, this.#keys.length);
    this.#keys.push(key);
  }

  /** Priorities do not matter to a uniform choice. */
  update(): void {
    // Nothing to do: every key keeps the same chance.
  }

  /** Removes a key in O(1) by moving the last key into its slot. */
  delete(key: number): void {
    const position = this.#positions.get(key);
    if (position === undefined) return;
    const last = this.#keys.pop();
    this.#positions.delete(key);
    if (last !== undefined && last !== key) {
      this.#keys[position] = last;
      this.#positions.set(last, position);
    }
  }

  /** Picks one key, each with probability `1 / size`. */
  select(): Selection {
    const size = this.#keys.length;
    const index = Math.min(size - 1, Math.floor(this.#rng.next() * size));
    const key = defined(this.#keys[index], `key ${index}`);
    return { key, probability: 1 / size };
  }
}

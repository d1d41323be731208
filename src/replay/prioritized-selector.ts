/**
 * @module
 * {@link PrioritizedSelector}: Reverb's prioritized sampling. An item of priority `p` is
 * picked with probability `p^α / Σ p_i^α`, where `α` is the priority exponent, in
 * O(log n) through a {@link SumTree}.
 */
import { defined } from './defined.ts';
import type { Rng } from './rng.ts';
import type { Places, Selectable, Selection, Selector } from './selector.ts';
import { SumTree } from './sum-tree.ts';

/** Picks items with probability proportional to `priority ** priorityExponent`. */
export class PrioritizedSelector implements Selector {
  readonly #items: Selectable[] = [];
  readonly #tree = new SumTree();
  readonly #exponent: number;
  readonly #rng: Rng;
  readonly #places: Places;

  /**
   * @param priorityExponent - `α`: 0 samples uniformly, 1 proportionally to priority
   * @param rng - the random source
   * @param places - where on each item this selector keeps the item's position
   */
  constructor(priorityExponent: number, rng: Rng, places: Places) {
    this.#exponent = priorityExponent;
    this.#rng = rng;
    this.#places = places;
  }

  /** How many items the selector holds. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item with its priority. */
  insert(item: Selectable): void {
    const position = this.#items.length;
    this.#places.set(item, position);
    this.#items.push(item);
    this.#tree.set(position, this.#weight(item.priority));
  }

  /** Takes the item's new priority in O(log n). */
  update(item: Selectable): void {
    const position = this.#places.get(item);
    if (this.#items[position] === item) this.#tree.set(position, this.#weight(item.priority));
  }

  /** Removes an item in O(log n), moving the last item into its slot. */
  delete(item: Selectable): void {
    const position = this.#places.get(item);
    if (this.#items[position] !== item) return;
    const lastPosition = this.#items.length - 1;
    const last = defined(this.#items.pop(), 'the last item');
    if (last !== item) {
      this.#items[position] = last;
      this.#places.set(last, position);
      this.#tree.set(position, this.#tree.get(lastPosition));
    }
    this.#tree.set(lastPosition, 0);
  }

  /**
   * Picks one item. When every priority is 0 there is nothing to weigh by, so the pick is
   * uniform (as in Reverb), rather than an error that would stall the learner.
   */
  select(): Selection {
    const total = this.#tree.total;
    const size = this.#items.length;
    if (!(total > 0)) {
      const index = Math.min(size - 1, Math.floor(this.#rng.next() * size));
      return { item: defined(this.#items[index], 'a picked item'), probability: 1 / size };
    }
    const position = Math.min(size - 1, this.#tree.find(this.#rng.next() * total));
    return {
      item: defined(this.#items[position], 'a picked item'),
      probability: this.#tree.get(position) / total,
    };
  }

  #weight(priority: number): number {
    // 0 ** 0 is 1 in JavaScript; a zero priority must stay unsampled even when α = 0.
    return priority === 0 ? 0 : priority ** this.#exponent;
  }
}

/**
 * @module
 * {@link UniformSelector}: every item equally likely, O(1) for every operation.
 */
import { defined } from './defined.ts';
import type { Rng } from './rng.ts';
import type { Places, Selectable, Selection, Selector } from './selector.ts';

/** Picks uniformly at random among the items it holds. */
export class UniformSelector implements Selector {
  readonly #items: Selectable[] = [];
  readonly #rng: Rng;
  readonly #places: Places;

  /**
   * @param rng - the random source
   * @param places - where on each item this selector keeps the item's position
   */
  constructor(rng: Rng, places: Places) {
    this.#rng = rng;
    this.#places = places;
  }

  /** How many items the selector holds. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an item. */
  insert(item: Selectable): void {
    this.#places.set(item, this.#items.length);
    this.#items.push(item);
  }

  /** Priorities do not matter to a uniform choice. */
  update(): void {
    // Nothing to do: every item keeps the same chance.
  }

  /** Removes an item in O(1) by moving the last item into its slot. */
  delete(item: Selectable): void {
    const position = this.#places.get(item);
    if (this.#items[position] !== item) return;
    const last = defined(this.#items.pop(), 'the last item');
    if (last !== item) {
      this.#items[position] = last;
      this.#places.set(last, position);
    }
  }

  /** Picks one item, each with probability `1 / size`. */
  select(): Selection {
    const size = this.#items.length;
    const index = Math.min(size - 1, Math.floor(this.#rng.next() * size));
    return { item: defined(this.#items[index], 'a picked item'), probability: 1 / size };
  }
}

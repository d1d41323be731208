/**
 * @module
 * {@link OrderSelector}: FIFO and LIFO selection by insertion order, O(1) amortised for
 * every operation: items sit in an array in insertion order, a deleted item leaves a hole
 * that the ends skip, and the array is compacted once holes outnumber items.
 */
import { defined } from './defined.ts';
import type { Places, Selectable, Selection, Selector } from './selector.ts';

/** Which end of the insertion order a selector picks. */
export type Order = 'fifo' | 'lifo';

/** Holes (deleted items, in front or inside) tolerated beyond one per item held. */
const SLACK = 1024;

/** Picks the oldest (`fifo`) or newest (`lifo`) item still held. */
export class OrderSelector implements Selector {
  readonly #order: Order;
  readonly #places: Places;
  // Items in insertion order; undefined where one was deleted. An item's place is its
  // index plus #base (places stay valid when the front is cut off).
  #queue: (Selectable | undefined)[] = [];
  #head = 0;
  #base = 0;
  #size = 0;

  /**
   * @param order - `fifo` picks the oldest item, `lifo` the newest
   * @param places - where on each item this selector keeps the item's place
   */
  constructor(order: Order, places: Places) {
    this.#order = order;
    this.#places = places;
  }

  /** How many items the selector holds. */
  get size(): number {
    return this.#size;
  }

  /** Appends an item as the newest. */
  insert(item: Selectable): void {
    this.#places.set(item, this.#base + this.#queue.length);
    this.#queue.push(item);
    this.#size++;
  }

  /** Order does not depend on priority. */
  update(): void {
    // Nothing to do: an update does not move an item in insertion order.
  }

  /** Removes an item, leaving a hole that the ends skip. */
  delete(item: Selectable): void {
    const index = this.#places.get(item) - this.#base;
    const queue = this.#queue;
    if (index < this.#head || queue[index] !== item) return;
    queue[index] = undefined;
    this.#size--;
    // Both ends always hold an item (or the queue is empty), so select() is O(1).
    while (this.#head < queue.length && queue[this.#head] === undefined) this.#head++;
    while (queue.length > this.#head && queue[queue.length - 1] === undefined) queue.pop();
    if (this.#head === queue.length) {
      this.#base += queue.length;
      this.#queue = [];
      this.#head = 0;
    } else if (queue.length > 2 * this.#size + SLACK) {
      this.#compact();
    }
  }

  /** The oldest or newest item, with probability 1. */
  select(): Selection {
    const queue = this.#queue;
    const item = this.#order === 'fifo' ? queue[this.#head] : queue[queue.length - 1];
    return { item: defined(item, 'the end of the insertion order'), probability: 1 };
  }

  // Drops the holes, giving every item its new place.
  #compact(): void {
    const held: Selectable[] = [];
    for (let index = this.#head; index < this.#queue.length; index++) {
      const item = this.#queue[index];
      if (item !== undefined) held.push(item);
    }
    this.#base += this.#queue.length;
    this.#head = 0;
    this.#queue = held;
    let place = this.#base;
    for (const item of held) this.#places.set(item, place++);
  }
}

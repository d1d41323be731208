/**
 * @module
 * {@link OrderSelector}: FIFO and LIFO selection by insertion order, O(1) for every
 * operation through a doubly linked list whose links are found by key in one map (one
 * map entry per key: an insert sets one entry, a delete reads and removes one).
 */
import { defined } from './defined.ts';
import type { Selection, Selector } from './selector.ts';

/** Which end of the insertion order a selector picks. */
export type Order = 'fifo' | 'lifo';

// One key's place in insertion order.
interface Link {
  readonly key: number;
  previous: Link | undefined;
  next: Link | undefined;
}

/** Picks the oldest (`fifo`) or newest (`lifo`) key still held. */
export class OrderSelector implements Selector {
  readonly #order: Order;
  readonly #links = new Map<number, Link>();
  #oldest: Link | undefined;
  #newest: Link | undefined;

  /** @param order - `fifo` picks the oldest key, `lifo` the newest */
  constructor(order: Order) {
    this.#order = order;
  }

  /** How many keys the selector holds. */
  get size(): number {
    return this.#links.size;
  }

  /** Appends a key as the newest. */
  insert(key: number): void {
    const link: Link = { key, previous: this.#newest, next: undefined };
    this.#links.set(key, link);
    if (this.#newest === undefined) this.#oldest = link;
    else this.#newest.next = link;
    this.#newest = link;
  }

  /** Order does not depend on priority. */
  update(): void {
    // Nothing to do: an update does not move a key in insertion order.
  }

  /** Unlinks a key in O(1). */
  delete(key: number): void {
    const link = this.#links.get(key);
    if (link === undefined) return;
    this.#links.delete(key);
    const { previous, next } = link;
    if (previous === undefined) this.#oldest = next;
    else previous.next = next;
    if (next === undefined) this.#newest = previous;
    else next.previous = previous;
  }

  /** The oldest or newest key, with probability 1. */
  select(): Selection {
    const link = this.#order === 'fifo' ? this.#oldest : this.#newest;
    return { key: defined(link, 'the end of the insertion order').key, probability: 1 };
  }
}

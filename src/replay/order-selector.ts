/**
 * @module
 * {@link OrderSelector}: FIFO and LIFO selection by insertion order, O(1) for every
 * operation through a doubly linked list kept in two maps.
 */
import { defined } from './defined.ts';
import type { Selection, Selector } from './selector.ts';

/** Which end of the insertion order a selector picks. */
export type Order = 'fifo' | 'lifo';

/** Picks the oldest (`fifo`) or newest (`lifo`) key still held. */
export class OrderSelector implements Selector {
  readonly #order: Order;
  readonly #previous = new Map<number, number | undefined>();
  readonly #next = new Map<number, number | undefined>();
  #oldest: number | undefined;
  #newest: number | undefined;

  /** @param order - `fifo` picks the oldest key, `lifo` the newest */
  constructor(order: Order) {
    this.#order = order;
  }

  /** How many keys the selector holds. */
  get size(): number {
    return this.#next.size;
  }

  /** Appends a key as the newest. */
  insert(key: number): void {
    this.#previous.set(key, this.#newest);
    this.#next.set(key, undefined);
    if (this.#newest !== undefined) this.#next.set(this.#newest, key);
    this.#newest = key;
    this.#oldest ??= key;
  }

  /** Order does not depend on priority. */
  update(): void {
    // Nothing to do: an update does not move a key in insertion order.
  }

  /** Unlinks a key in O(1). */
  delete(key: number): void {
    if (!this.#next.has(key)) return;
    const before = this.#previous.get(key);
    const after = this.#next.get(key);
    if (before === undefined) this.#oldest = after;
    else this.#next.set(before, after);
    if (after === undefined) this.#newest = before;
    else this.#previous.set(after, before);
    this.#previous.delete(key);
    this.#next.delete(key);
  }

  /** The oldest or newest key, with probability 1. */
  select(): Selection {
    const key = this.#order === 'fifo' ? this.#oldest : this.#newest;
    return { key: defined(key, 'the end of the insertion order'), probability: 1 };
  }
}

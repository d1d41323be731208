/**
 * @module
 * {@link HeapSelector}: picks the item of lowest (min-heap) or highest (max-heap)
 * priority, through an indexed binary heap: O(log n) insert, update and delete, O(1) pick.
 */
import { defined } from './defined.ts';
import type { Places, Selectable, Selection, Selector } from './selector.ts';

interface Entry {
  readonly item: Selectable;
  priority: number;
  // Among equal priorities the item inserted or updated least recently wins, so a heap
  // sampler or a lowest-priority remover is deterministic.
  stamp: number;
}

/** Picks the item with the lowest or highest priority. */
export class HeapSelector implements Selector {
  readonly #heap: Entry[] = [];
  readonly #sign: number;
  readonly #places: Places;
  #clock = 0;

  /**
   * @param direction - `min` picks the lowest priority, `max` the highest
   * @param places - where on each item this selector keeps the item's heap position
   */
  constructor(direction: 'min' | 'max', places: Places) {
    this.#sign = direction === 'min' ? 1 : -1;
    this.#places = places;
  }

  /** How many items the selector holds. */
  get size(): number {
    return this.#heap.length;
  }

  /** Adds an item with its priority. */
  insert(item: Selectable): void {
    this.#heap.push({ item, priority: item.priority, stamp: this.#clock++ });
    this.#places.set(item, this.#heap.length - 1);
    this.#up(this.#heap.length - 1);
  }

  /** Takes the item's new priority and restores the heap order. */
  update(item: Selectable): void {
    const position = this.#places.get(item);
    const entry = this.#heap[position];
    if (entry?.item !== item) return;
    entry.priority = item.priority;
    entry.stamp = this.#clock++;
    this.#down(this.#up(position));
  }

  /** Removes an item, moving the last entry into its slot. */
  delete(item: Selectable): void {
    const position = this.#places.get(item);
    if (this.#heap[position]?.item !== item) return;
    const last = defined(this.#heap.pop(), 'the last heap entry');
    if (last.item !== item) {
      this.#heap[position] = last;
      this.#places.set(last.item, position);
      this.#down(this.#up(position));
    }
  }

  /** The top of the heap, with probability 1. */
  select(): Selection {
    return { item: this.#at(0).item, probability: 1 };
  }

  #at(position: number): Entry {
    return defined(this.#heap[position], 'a heap entry');
  }

  #before(a: Entry, b: Entry): boolean {
    if (a.priority !== b.priority) return this.#sign * (a.priority - b.priority) < 0;
    return a.stamp < b.stamp;
  }

  #swap(i: number, j: number): void {
    const a = this.#at(i);
    const b = this.#at(j);
    this.#heap[i] = b;
    this.#heap[j] = a;
    this.#places.set(b.item, i);
    this.#places.set(a.item, j);
  }

  #up(start: number): number {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#at(i), this.#at(parent))) break;
      this.#swap(i, parent);
      i = parent;
    }
    return i;
  }

  #down(start: number): void {
    const size = this.#heap.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < size && this.#before(this.#at(left), this.#at(best))) best = left;
      if (right < size && this.#before(this.#at(right), this.#at(best))) best = right;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }
}

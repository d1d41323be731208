/**
 * @module
 * {@link HeapSelector}: picks the key of lowest (min-heap) or highest (max-heap)
 * priority, through an indexed binary heap: O(log n) insert, update and delete, O(1) pick.
 */
import { defined } from './defined.ts';
import type { Selection, Selector } from './selector.ts';

interface Entry {
  key: number;
  priority: number;
  // Among equal priorities the key inserted or updated least recently wins, so a heap
  // sampler or a lowest-priority remover is deterministic.
  stamp: number;
}

/** Picks the key with the lowest or highest priority. */
export class HeapSelector implements Selector {
  readonly #heap: Entry[] = [];
  readonly #positions = new Map<number, number>();
  readonly #sign: number;
  #clock = 0;

  /** @param direction - `min` picks the lowest priority, `max` the highest */
  constructor(direction: 'min' | 'max') {
    this.#sign = direction === 'min' ? 1 : -1;
  }

  /** How many keys the selector holds. */
  get size(): number {
    return this.#heap.length;
  }

  /** Adds a key with its priority. */
  insert(key: number, priority: number): void {
    this.#heap.push({ key, priority, stamp: this.#clock++ });
    this.#positions.set(key, this.#heap.length - 1);
    this.#up(this.#heap.length - 1);
  }

  /** Changes a key's priority and restores the heap order. */
  update(key: number, priority: number): void {
    const position = this.#positions.get(key);
    const entry = position === undefined ? undefined : this.#heap[position];
    if (position === undefined || entry === undefined) return;
    entry.priority = priority;
    entry.stamp = this.#clock++;
    this.#down(this.#up(position));
  }

  /** Removes a key, moving the last entry into its slot. */
  delete(key: number): void {
    const position = this.#positions.get(key);
    if (position === undefined) return;
    const last = defined(this.#heap.pop(), 'the last heap entry');
    this.#positions.delete(key);
    if (last.key !== key) {
      this.#heap[position] = last;
      this.#positions.set(last.key, position);
      this.#down(this.#up(position));
    }
  }

  /** The top of the heap, with probability 1. */
  select(): Selection {
    return { key: this.#at(0).key, probability: 1 };
  }

  #at(position: number): Entry {
    return defined(this.#heap[position], `heap entry ${position}`);
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
    this.#positions.set(b.key, i);
    this.#positions.set(a.key, j);
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

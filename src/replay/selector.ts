/**
 * @module
 * {@link Selector}: the one interface behind samplers and removers. A table keeps two
 * selectors over the same keys: its sampler picks items to return, its remover picks the
 * item to evict when the table is full (as Reverb's `ItemSelector` does).
 */

/** A key picked by a selector, and the probability it had of being picked. */
export interface Selection {
  /** The picked item's key. */
  readonly key: number;
  /** The probability this key had of being picked (1 for deterministic selectors). */
  readonly probability: number;
}

/** Picks keys among those inserted, by a rule of its own (uniform, FIFO, priority, ...). */
export interface Selector {
  /** How many keys the selector holds. */
  readonly size: number;
  /** Adds a key that is not yet present. */
  insert(key: number, priority: number): void;
  /** Changes the priority of a present key. */
  update(key: number, priority: number): void;
  /** Removes a present key. */
  delete(key: number): void;
  /** Picks a key; only called when `size > 0`. */
  select(): Selection;
}

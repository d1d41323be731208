/**
 * @module
 * {@link Selector}: the one interface behind samplers and removers. A table keeps two
 * selectors over the same items: its sampler picks items to return, its remover picks the
 * item to evict when the table is full (as Reverb's `ItemSelector` does).
 *
 * A selector is handed the items themselves and keeps its own index of each item (a
 * position in its array, heap or queue) in a field of the item that belongs to its role:
 * no map from keys to positions, so an insert or a delete touches no map entry.
 */

/** What a selector is given: an item with its priority, and a place for each role. */
export interface Selectable {
  /** The item's key. */
  readonly key: number;
  /** Its priority (read when the item is inserted or updated). */
  readonly priority: number;
  /** The sampler's index of the item. */
  samplerPlace: number;
  /** The remover's index of the item. */
  removerPlace: number;
}

/** Which of a table's two selectors: its place field on each item. */
export type SelectorRole = 'sampler' | 'remover';

/** An item picked by a selector, and the probability it had of being picked. */
export interface Selection<TItem extends Selectable = Selectable> {
  /** The picked item. */
  readonly item: TItem;
  /** The probability this item had of being picked (1 for deterministic selectors). */
  readonly probability: number;
}

/** Picks items among those inserted, by a rule of its own (uniform, FIFO, priority, ...). */
export interface Selector<TItem extends Selectable = Selectable> {
  /** How many items the selector holds. */
  readonly size: number;
  /** Adds an item that is not yet present. */
  insert(item: TItem): void;
  /** The item's priority changed. */
  update(item: TItem): void;
  /** Removes a present item. */
  delete(item: TItem): void;
  /** Picks an item; only called when `size > 0`. */
  select(): Selection<TItem>;
}

/** Reads and writes the place field of `role` on items. */
export interface Places {
  /** The item's place. */
  get(item: Selectable): number;
  /** Sets the item's place. */
  set(item: Selectable, place: number): void;
}

const SAMPLER_PLACES: Places = {
  get: (item) => item.samplerPlace,
  set: (item, place) => {
    item.samplerPlace = place;
  },
};

const REMOVER_PLACES: Places = {
  get: (item) => item.removerPlace,
  set: (item, place) => {
    item.removerPlace = place;
  },
};

/** The place field of `role`. */
export function placesOf(role: SelectorRole): Places {
  return role === 'sampler' ? SAMPLER_PLACES : REMOVER_PLACES;
}

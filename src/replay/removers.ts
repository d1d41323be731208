/**
 * @module
 * Remover specs: plain data naming which item a full table evicts to make room for an
 * insert. {@link Removers} builds them.
 */
import { HeapSelector } from './heap-selector.ts';
import { OrderSelector } from './order-selector.ts';
import type { Rng } from './rng.ts';
import { placesOf, type Selector } from './selector.ts';
import { UniformSelector } from './uniform-selector.ts';

/** Which item a full table evicts when a new one is inserted. */
export type RemoverSpec =
  /** The oldest item. */
  | { readonly kind: 'fifo' }
  /** The newest item. */
  | { readonly kind: 'lifo' }
  /** An item chosen uniformly at random. */
  | { readonly kind: 'uniform' }
  /** The item of lowest priority (ties: least recently inserted or updated). */
  | { readonly kind: 'lowest-priority' };

/**
 * Builders of {@link RemoverSpec}s.
 *
 * @example
 * ```ts
 * { name: 'replay', remover: Removers.fifo(), ... }
 * ```
 */
export const Removers = {
  /** Evict the oldest item. */
  fifo: (): RemoverSpec => ({ kind: 'fifo' }),
  /** Evict the newest item. */
  lifo: (): RemoverSpec => ({ kind: 'lifo' }),
  /** Evict an item chosen uniformly at random. */
  uniform: (): RemoverSpec => ({ kind: 'uniform' }),
  /** Evict the item of lowest priority. */
  lowestPriority: (): RemoverSpec => ({ kind: 'lowest-priority' }),
} as const;

/** The remover kinds, for validation messages. */
export const REMOVER_KINDS = ['fifo', 'lifo', 'uniform', 'lowest-priority'];

/** Builds the selector a remover spec describes. */
export function createRemover(spec: RemoverSpec, rng: Rng): Selector {
  const places = placesOf('remover');
  switch (spec.kind) {
    case 'fifo':
    case 'lifo':
      return new OrderSelector(spec.kind, places);
    case 'uniform':
      return new UniformSelector(rng, places);
    case 'lowest-priority':
      return new HeapSelector('min', places);
  }
}

/**
 * @module
 * Sampler specs: plain data naming how a table picks the items it returns, so they can
 * travel to the replay node as node arguments. {@link Samplers} builds them.
 */
import { HeapSelector } from './heap-selector.ts';
import { OrderSelector } from './order-selector.ts';
import { PrioritizedSelector } from './prioritized-selector.ts';
import type { Rng } from './rng.ts';
import { placesOf, type Selector } from './selector.ts';
import { UniformSelector } from './uniform-selector.ts';

/** How a table picks the items a `sample` call returns. */
export type SamplerSpec =
  /** Every item equally likely. */
  | { readonly kind: 'uniform' }
  /** Probability proportional to `priority ** priorityExponent`. */
  | { readonly kind: 'prioritized'; readonly priorityExponent: number }
  /** The oldest item. */
  | { readonly kind: 'fifo' }
  /** The newest item. */
  | { readonly kind: 'lifo' }
  /** The item of lowest priority. */
  | { readonly kind: 'min-heap' }
  /** The item of highest priority. */
  | { readonly kind: 'max-heap' };

/**
 * Builders of {@link SamplerSpec}s.
 *
 * @example
 * ```ts
 * { name: 'replay', sampler: Samplers.prioritized(0.6), ... }
 * ```
 */
export const Samplers = {
  /** Every item equally likely. */
  uniform: (): SamplerSpec => ({ kind: 'uniform' }),
  /**
   * Probability `p^α / Σ p_i^α` for an item of priority `p`.
   * @param priorityExponent - `α`, at least 0 (0 is uniform over non-zero priorities)
   */
  prioritized: (priorityExponent: number): SamplerSpec => ({
    kind: 'prioritized',
    priorityExponent,
  }),
  /** The oldest item first. */
  fifo: (): SamplerSpec => ({ kind: 'fifo' }),
  /** The newest item first. */
  lifo: (): SamplerSpec => ({ kind: 'lifo' }),
  /** The lowest priority first (ties: least recently inserted or updated). */
  minHeap: (): SamplerSpec => ({ kind: 'min-heap' }),
  /** The highest priority first (ties: least recently inserted or updated). */
  maxHeap: (): SamplerSpec => ({ kind: 'max-heap' }),
} as const;

/** The sampler kinds, for validation messages. */
export const SAMPLER_KINDS = ['uniform', 'prioritized', 'fifo', 'lifo', 'min-heap', 'max-heap'];

/** Builds the selector a sampler spec describes. */
export function createSampler(spec: SamplerSpec, rng: Rng): Selector {
  const places = placesOf('sampler');
  switch (spec.kind) {
    case 'uniform':
      return new UniformSelector(rng, places);
    case 'prioritized':
      return new PrioritizedSelector(spec.priorityExponent, rng, places);
    case 'fifo':
    case 'lifo':
      return new OrderSelector(spec.kind, places);
    case 'min-heap':
      return new HeapSelector('min', places);
    case 'max-heap':
      return new HeapSelector('max', places);
  }
}

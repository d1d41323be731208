/**
 * @module
 * The replay the per-item tests count work in: one prioritized table with a FIFO remover
 * and a minimum size, as the Ape-X example's, holding up to 100 items.
 */
import { RateLimiters, Removers, ReplayService, Samplers } from '../../src/replay/index.ts';

/** A seeded replay with one Ape-X-shaped table `t` of at most 100 items. */
export function apexShapedReplay(): ReplayService<Float32Array> {
  return new ReplayService<Float32Array>({
    seed: 1,
    tables: [
      {
        name: 't',
        maxSize: 100,
        sampler: Samplers.prioritized(0.6),
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(10),
      },
    ],
  });
}

/** `count` items of 11 floats for table `t`, item `i` filled with `i`, priority `1 + i`. */
export const apexShapedEntries = (
  count: number,
): { data: Float32Array; priorities: { t: number } }[] =>
  Array.from({ length: count }, (_, i) => ({
    data: new Float32Array(11).fill(i),
    priorities: { t: 1 + i },
  }));

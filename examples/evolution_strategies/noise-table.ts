/**
 * The shared noise table of OpenAI-style ES: one long vector of Gaussian noise that
 * every node builds from the same seed. A perturbation is then named by its offset in
 * the table, so the master sends workers a few integers instead of whole vectors.
 */
import { Random } from '../common/random.ts';

const tables = new Map<string, Float32Array>();

/** The table of `size` standard normal numbers drawn from `seed`, built once per process. */
export function noiseTable(seed: number, size: number): Float32Array {
  const key = `${seed}:${size}`;
  let table = tables.get(key);
  if (table === undefined) {
    const random = new Random(seed);
    table = Float32Array.from({ length: size }, () => random.gaussian());
    tables.set(key, table);
  }
  return table;
}

/** The perturbation at `offset`: `dim` numbers of `table`, checked to fit. */
export function perturbation(table: Float32Array, offset: number, dim: number): Float32Array {
  if (!Number.isInteger(offset) || offset < 0 || offset + dim > table.length) {
    throw new Error(
      `noise offset must be an integer in [0, ${table.length - dim}] for ${dim} parameters, got ${offset}`,
    );
  }
  return table.subarray(offset, offset + dim);
}

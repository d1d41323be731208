/**
 * The ES update: fitness shaping by centred ranks, and the search-gradient estimate
 * from mirrored perturbations (Salimans et al., 2017).
 */
import { perturbation } from './noise-table.ts';
import type { PerturbationResult } from './es-worker.ts';

/** Each value's rank mapped linearly onto [-0.5, 0.5]; ties share their mean rank. */
export function centredRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.[0] === order[start]?.[0]) end++;
    for (let k = start; k <= end; k++) ranks[order[k]?.[1] ?? 0] = (start + end) / 2;
    start = end + 1;
  }
  const last = Math.max(values.length - 1, 1);
  return ranks.map((r) => r / last - 0.5);
}

/**
 * The estimate of ∇ E[return] at θ: `Σ (F(+ε) − F(−ε)) ε / (2 n σ)` over the `n`
 * mirrored pairs, with F the centred ranks of all `2n` returns.
 */
export function searchGradient(
  results: readonly PerturbationResult[],
  noise: Float32Array,
  dim: number,
  sigma: number,
): Float64Array {
  const ranks = centredRanks(results.flatMap((r) => [r.positive, r.negative]));
  const gradient = new Float64Array(dim);
  results.forEach((result, i) => {
    const weight = (ranks[2 * i] ?? 0) - (ranks[2 * i + 1] ?? 0);
    const epsilon = perturbation(noise, result.offset, dim);
    for (let k = 0; k < dim; k++) gradient[k] = (gradient[k] ?? 0) + weight * (epsilon[k] ?? 0);
  });
  const scale = 1 / (2 * results.length * sigma);
  for (let k = 0; k < dim; k++) gradient[k] = (gradient[k] ?? 0) * scale;
  return gradient;
}

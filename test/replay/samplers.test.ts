/**
 * Samplers pick items with the distribution their priorities promise (chi-squared tests
 * with a fixed seed), and the sum tree behind prioritized sampling stays exact.
 */
import { describe, expect, it } from 'vitest';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  type SamplerSpec,
} from '../../src/replay/index.ts';
import { createRng } from '../../src/replay/rng.ts';
import { SumTree } from '../../src/replay/sum-tree.ts';

// Critical values of the chi-squared distribution at p = 0.001, by degrees of freedom.
const CHI2_CRITICAL_001: Record<number, number> = { 4: 18.47, 9: 27.88 };

function chiSquared(observed: number[], expected: number[]): number {
  return observed.reduce((sum, o, i) => sum + (o - expected[i]!) ** 2 / expected[i]!, 0);
}

function service(sampler: SamplerSpec, seed = 7): ReplayService {
  return new ReplayService({
    seed,
    tables: [
      {
        name: 't',
        maxSize: 1_000,
        sampler,
        remover: Removers.fifo(),
        rateLimiter: RateLimiters.minSize(1),
      },
    ],
  });
}

async function counts(replay: ReplayService, keys: number[], draws: number): Promise<number[]> {
  const batch = await replay.sample('t', draws);
  const tally = new Map(keys.map((key) => [key, 0]));
  for (const item of batch) tally.set(item.key, (tally.get(item.key) ?? 0) + 1);
  return keys.map((key) => tally.get(key)!);
}

describe('samplers', () => {
  it('prioritized: frequencies follow priority^exponent (chi-squared, p > 0.001)', async () => {
    const exponent = 0.8;
    const replay = service(Samplers.prioritized(exponent));
    const priorities = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const keys: number[] = [];
    for (const [i, p] of priorities.entries()) keys.push(await replay.insert(`item${i}`, { t: p }));
    const draws = 50_000;
    const weights = priorities.map((p) => p ** exponent);
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = weights.map((w) => (w / total) * draws);
    const observed = await counts(replay, keys, draws);
    expect(chiSquared(observed, expected)).toBeLessThan(CHI2_CRITICAL_001[9]!);
    // The reported probability is exact, not estimated.
    const [one] = await replay.sample('t', 1);
    const index = keys.indexOf(one!.key);
    expect(one!.probability).toBeCloseTo(weights[index]! / total, 12);
    expect(one!.tableSize).toBe(10);
  });

  it('prioritized: updated priorities take effect, and zero priorities are never drawn', async () => {
    const replay = service(Samplers.prioritized(1));
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await replay.insert(i, { t: 1 }));
    replay.updatePriorities('t', new Map(keys.map((key, i) => [key, i === 0 ? 0 : i])));
    const observed = await counts(replay, keys, 20_000);
    expect(observed[0]).toBe(0);
    const expected = [1, 2, 3, 4].map((p) => (p / 10) * 20_000);
    // Critical value for 3 degrees of freedom at p = 0.001.
    expect(chiSquared(observed.slice(1), expected)).toBeLessThan(16.27);
  });

  it('uniform: every item equally likely (chi-squared, p > 0.001)', async () => {
    const replay = service(Samplers.uniform());
    const keys = [];
    for (let i = 0; i < 10; i++) keys.push(await replay.insert(i, { t: i + 1 }));
    const draws = 30_000;
    const observed = await counts(replay, keys, draws);
    expect(
      chiSquared(
        observed,
        keys.map(() => draws / 10),
      ),
    ).toBeLessThan(CHI2_CRITICAL_001[9]!);
    const [one] = await replay.sample('t', 1);
    expect(one!.probability).toBeCloseTo(0.1, 12);
  });

  it('fifo, lifo, min-heap and max-heap pick deterministically with probability 1', async () => {
    const picks: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries({
      fifo: Samplers.fifo(),
      lifo: Samplers.lifo(),
      minHeap: Samplers.minHeap(),
      maxHeap: Samplers.maxHeap(),
    })) {
      const replay = service(spec);
      for (const [data, priority] of [
        ['a', 5],
        ['b', 1],
        ['c', 9],
        ['d', 1],
      ] as const) {
        await replay.insert(data, { t: priority });
      }
      const batch = await replay.sample('t', 2);
      picks[name] = batch.map((item) => [item.data, item.probability]);
    }
    expect(picks).toEqual({
      fifo: [
        ['a', 1],
        ['a', 1],
      ],
      lifo: [
        ['d', 1],
        ['d', 1],
      ],
      // Ties go to the item inserted least recently.
      minHeap: [
        ['b', 1],
        ['b', 1],
      ],
      maxHeap: [
        ['c', 1],
        ['c', 1],
      ],
    });
  });

  it('a fixed seed reproduces the same samples', async () => {
    const run = async (): Promise<number[]> => {
      const replay = service(Samplers.prioritized(1), 123);
      for (let i = 0; i < 20; i++) await replay.insert(i, { t: i + 1 });
      return (await replay.sample('t', 50)).map((item) => item.key);
    };
    expect(await run()).toEqual(await run());
  });
});

describe('SumTree', () => {
  it('keeps exact sums through growth and updates, and finds by cumulative weight', () => {
    const tree = new SumTree(2);
    for (let i = 0; i < 100; i++) tree.set(i, i % 3);
    expect(tree.total).toBe([...Array(100).keys()].reduce((s, i) => s + (i % 3), 0));
    tree.set(50, 1000);
    expect(tree.find(0)).toBe(1);
    const before50 = [...Array(50).keys()].reduce((s, i) => s + tree.get(i), 0);
    expect(tree.find(before50 + 500)).toBe(50);
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const index = tree.find(rng.next() * tree.total);
      expect(tree.get(index)).toBeGreaterThan(0);
    }
  });
});

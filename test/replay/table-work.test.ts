/**
 * Replay's table work per item, counted: the map entries an insert touches (every `get`,
 * `set`, `has` and `delete` on any Map while the call runs), not timed. An item inserted
 * whole holds its value without a chunk of its own (no key string, no chunk entry), and
 * the sampler and remover keep their index of each item on the item (no map from keys),
 * so an insert into a full prioritized table with a FIFO remover (the Ape-X shape)
 * touches 3 entries where it touched 23. And the value held without a chunk keeps what chunks guaranteed: it is counted by
 * `info().chunks` while an item in any table holds it, and checkpoints keep their format.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src/replay/checkpoint.ts';
import { apexShapedReplay } from '../helpers/apex-shaped-replay.ts';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  type TableConfig,
} from '../../src/replay/index.ts';

function table(name: string, maxSize: number): TableConfig {
  return {
    name,
    maxSize,
    sampler: Samplers.fifo(),
    remover: Removers.fifo(),
    rateLimiter: RateLimiters.minSize(1),
  };
}

/**
 * Map entries touched per inserted item, at most: the table by name, and the table's
 * items by key (the new one set, the evicted one deleted). 23 before single values and
 * selectors that keep their places on the items.
 */
const MAP_OPERATIONS_PER_INSERT = 3;

const METHODS = ['get', 'set', 'has', 'delete'] as const;

/** Runs `run` synchronously and counts the Map operations it makes. */
function mapOperationsOf(run: () => unknown): number {
  const originals = METHODS.map((name) => Object.getOwnPropertyDescriptor(Map.prototype, name));
  let count = 0;
  METHODS.forEach((name, index) => {
    const original = originals[index]!.value as (...args: unknown[]) => unknown;
    Object.defineProperty(Map.prototype, name, {
      configurable: true,
      writable: true,
      value: function (this: Map<unknown, unknown>, ...args: unknown[]) {
        count++;
        return original.apply(this, args);
      },
    });
  });
  try {
    run();
  } finally {
    METHODS.forEach((name, index) => {
      Object.defineProperty(Map.prototype, name, originals[index]!);
    });
  }
  return count;
}

const entries = (count: number, from = 0): { data: Float32Array; priorities: { t: number } }[] =>
  Array.from({ length: count }, (_, i) => ({
    data: new Float32Array(11).fill(from + i),
    priorities: { t: 1 + ((from + i) % 7) },
  }));

const apexShaped = apexShapedReplay;

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('an insert into a full prioritized table with a FIFO remover', () => {
  it('touches a bounded number of map entries per item', async () => {
    const service = apexShaped();
    await service.insertMany(entries(150)); // full: each insert now evicts the oldest item
    const batch = entries(32, 150);
    let call: Promise<number[]> | undefined;
    // The call runs to its end synchronously: the limiter allows every insert at once.
    const operations = mapOperationsOf(() => {
      call = service.insertMany(batch);
    });
    const keys = await call;
    expect(keys).toHaveLength(32);
    expect(operations / 32).toBeLessThanOrEqual(MAP_OPERATIONS_PER_INSERT);
    // The oldest went: the table holds the newest 100, in FIFO order of eviction.
    expect(service.info().tables[0]!.size).toBe(100);
    expect(service.info().chunks).toBe(100);
    const sampled = await service.sample('t', 200);
    expect(Math.min(...sampled.map((item) => item.data[0]!))).toBeGreaterThanOrEqual(82);
  });
});

describe('a value inserted whole, held without a chunk', () => {
  it('is counted by info().chunks while an item in any table holds it', async () => {
    const replay = new ReplayService({
      tables: [table('a', 2), table('b', 2)],
    });
    const first = await replay.insert('x', { a: 1, b: 1 });
    await replay.insert('y', { a: 1 });
    expect(replay.info().chunks).toBe(2);
    replay.delete('a', [first]);
    expect(replay.info().chunks).toBe(2); // b still holds x
    replay.delete('b', [first]);
    expect(replay.info().chunks).toBe(1);
    // Evicted by a full table: 'y' goes when two more arrive.
    await replay.insertMany([
      { data: 'z1', priorities: { a: 1 } },
      { data: 'z2', priorities: { a: 1 } },
    ]);
    expect(replay.info().chunks).toBe(2);
  });

  it('is checkpointed as a chunk of one step, and restored shared by its tables', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lp-replay-single-'));
    directories.push(directory);
    const tables = [table('a', 10), table('b', 10)];
    const original = new ReplayService({ tables, checkpoint: { directory } });
    const key = await original.insert(new Float32Array([1, 2]), { a: 2, b: 3 });
    const path = await original.checkpoint();
    // The format of checkpoints written before single values: one chunk `i<key>` of one
    // step, and an item per table over it, marked single.
    const state = decodeCheckpoint(readFileSync(path), path);
    expect(state.chunks).toEqual([[`i${key}`, [new Float32Array([1, 2])]]]);
    expect(state.tables.map((table) => table.items)).toEqual([
      [
        {
          key,
          priority: 2,
          timesSampled: 0,
          slices: [{ chunk: `i${key}`, offset: 0, length: 1 }],
          single: true,
        },
      ],
      [
        {
          key,
          priority: 3,
          timesSampled: 0,
          slices: [{ chunk: `i${key}`, offset: 0, length: 1 }],
          single: true,
        },
      ],
    ]);
    const restored = new ReplayService({ tables, checkpoint: { restoreFrom: path } });
    expect(restored.info().chunks).toBe(1);
    const [fromA] = await restored.sample('a', 1);
    const [fromB] = await restored.sample('b', 1);
    expect(fromA!.data).toEqual(new Float32Array([1, 2]));
    expect(fromB!.data).toBe(fromA!.data);
    restored.delete('a', [key]);
    expect(restored.info().chunks).toBe(1);
    restored.delete('b', [key]);
    expect(restored.info().chunks).toBe(0);
  });
});

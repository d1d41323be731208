/**
 * `insertMany` checks its items without building words per item: the argument checker
 * (which takes the argument's path, a string such as `items[7].priorities`) runs once
 * for the call's `items`, and for an item only when the item is refused. Counted by
 * wrapping the checker, not timed.
 */
import { describe, expect, it, vi } from 'vitest';
import { isLaunchpadError } from '../../src/errors/errors.ts';
import { RateLimiters, Removers, ReplayService, Samplers } from '../../src/replay/index.ts';
import type * as ReplayArguments from '../../src/replay/replay-arguments.ts';

const paths = vi.hoisted(() => [] as string[]);

vi.mock('../../src/replay/replay-arguments.ts', async (importOriginal) => {
  const original = await importOriginal<typeof ReplayArguments>();
  return {
    ...original,
    checkArgument: (...args: Parameters<typeof original.checkArgument>) => {
      paths.push(args[3]);
      original.checkArgument(...args);
    },
  };
});

function replay(): ReplayService<Float32Array> {
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

const entries = (count: number): { data: Float32Array; priorities: { t: number } }[] =>
  Array.from({ length: count }, (_, i) => ({
    data: new Float32Array(11).fill(i),
    priorities: { t: 1 + i },
  }));

describe('insertMany', () => {
  it('checks 32 good items with one call of the checker, no path per item', async () => {
    const service = replay();
    paths.length = 0;
    await service.insertMany(entries(32));
    expect(paths).toEqual(['items']);
  });

  it('still names a refused item and its table, and inserts nothing', async () => {
    const service = replay();
    const batch: { data: Float32Array; priorities: Record<string, unknown> }[] = entries(3);
    batch[2] = { data: new Float32Array(11), priorities: { t: -1 } };
    const error = await service.insertMany(batch as never).catch((e: unknown) => e);
    expect(isLaunchpadError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(
      /the priority for table "t \(items\[2\]\.priorities\)"/,
    );
    expect(service.info().tables[0]!.size).toBe(0);
  });
});

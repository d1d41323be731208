/**
 * `insertMany` checks its items without building words per item: the argument checker
 * (which takes the argument's path, a string such as `items[7].priorities`) runs once
 * for the call's `items`, and for an item only when the item is refused. Counted by
 * wrapping the checker, not timed.
 */
import { describe, expect, it, vi } from 'vitest';
import { isLaunchpadError } from '../../src/errors/errors.ts';
import { apexShapedEntries, apexShapedReplay } from '../helpers/apex-shaped-replay.ts';
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

const replay = apexShapedReplay;
const entries = apexShapedEntries;

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

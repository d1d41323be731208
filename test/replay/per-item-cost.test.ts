/**
 * Replay's per-item cost: an insert that the rate limiter allows at once makes no promise
 * (and no waiting-queue entry) per item, only a few per call, so an `insertMany` of 32
 * items costs about what its items' table work costs. Counted with `async_hooks` (every
 * promise created while the call runs), not timed. (A sample call made one promise per
 * call already.)
 */
import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { apexShapedEntries, apexShapedReplay } from '../helpers/apex-shaped-replay.ts';

/** At most this many promises per call, whatever its number of items. */
const PROMISES_PER_CALL = 4;

/** How many promises `run` creates until the promise it returns settles. */
async function promisesMadeBy(run: () => Promise<unknown>): Promise<number> {
  let made = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') made++;
    },
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return made;
}

const replay = apexShapedReplay;
const entries = apexShapedEntries;

describe('an insertMany the rate limiter allows at once', () => {
  it('insertMany of 32 items into a full table makes a few promises, not 32 or more', async () => {
    const service = replay();
    await service.insertMany(entries(150)); // full: each insert now evicts one item
    const made = await promisesMadeBy(() => service.insertMany(entries(32)));
    expect(made).toBeLessThanOrEqual(PROMISES_PER_CALL);
    expect(service.info().tables[0]!.size).toBe(100);
  });
});

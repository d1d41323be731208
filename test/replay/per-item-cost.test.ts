/**
 * Replay's per-item cost: an insert that the rate limiter allows at once makes no promise
 * (and no waiting-queue entry) per item, only a few per call, so an `insertMany` of 32
 * items costs about what its items' table work costs. Counted with `async_hooks` (every
 * promise created while the call runs), not timed. (A sample call made one promise per
 * call already.)
 */
import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { RateLimiters, Removers, ReplayService, Samplers } from '../../src/replay/index.ts';

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

describe('an insertMany the rate limiter allows at once', () => {
  it('insertMany of 32 items into a full table makes a few promises, not 32 or more', async () => {
    const service = replay();
    await service.insertMany(entries(150)); // full: each insert now evicts one item
    const made = await promisesMadeBy(() => service.insertMany(entries(32)));
    expect(made).toBeLessThanOrEqual(PROMISES_PER_CALL);
    expect(service.info().tables[0]!.size).toBe(100);
  });
});

/**
 * The rate limiter blocks and releases inserts and samples exactly as Reverb's does, and
 * times out or cancels waiting calls. No wall clock: settling is observed through
 * promises, and timeouts through fake timers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLaunchpadError } from '../../src/errors/errors.ts';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  queueTable,
  type RateLimiterSpec,
} from '../../src/replay/index.ts';

/** Tracks whether a promise has settled, without waiting for it. */
function track<TValue>(promise: Promise<TValue>): {
  readonly settled: boolean;
  promise: Promise<TValue>;
} {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** Lets every pending promise callback run. */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function replayWith(rateLimiter: RateLimiterSpec, maxSize = 100): ReplayService {
  return new ReplayService({
    tables: [
      { name: 't', maxSize, sampler: Samplers.fifo(), remover: Removers.fifo(), rateLimiter },
    ],
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('rate limiter', () => {
  it('minSize: samples wait until the table holds minSize items; inserts never wait', async () => {
    const replay = replayWith(RateLimiters.minSize(3));
    const sample = track(replay.sample('t', 1));
    await replay.insert('a', { t: 1 });
    await replay.insert('b', { t: 1 });
    await drain();
    expect(sample.settled).toBe(false);
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(1);
    await replay.insert('c', { t: 1 });
    expect((await sample.promise)[0]!.data).toBe('a');
  });

  it('sampleToInsertRatio: blocks inserts past maxDiff and samples below minDiff', async () => {
    // samplesPerInsert 1, minSizeToSample 2, errorBuffer 2: diff must stay in [0, 4].
    const replay = replayWith(
      RateLimiters.sampleToInsertRatio({ samplesPerInsert: 1, minSizeToSample: 2, errorBuffer: 2 }),
    );
    for (let i = 0; i < 4; i++) await replay.insert(i, { t: 1 });
    const fifth = track(replay.insert(4, { t: 1 }));
    await drain();
    expect(fifth.settled).toBe(false);
    expect(replay.info().tables[0]!.rateLimiter).toMatchObject({
      inserts: 4,
      samples: 0,
      blockedInserts: 1,
    });
    await replay.sample('t', 1);
    await fifth.promise;
    // 5 inserts, 1 sample: 4 more samples keep diff ≥ 0; a batch of 5 takes 4, then waits.
    const batch = track(replay.sample('t', 5));
    await drain();
    expect(batch.settled).toBe(false);
    expect(replay.info().tables[0]!.samples).toBe(5);
    await replay.insert(5, { t: 1 });
    expect(await batch.promise).toHaveLength(5);
  });

  it('queue: inserts wait while the queue is full, samples while it is empty', async () => {
    const replay = new ReplayService({ tables: [queueTable('q', 2)] });
    const first = track(replay.sample('q', 1));
    await drain();
    expect(first.settled).toBe(false);
    await replay.insert('a', { q: 1 });
    expect((await first.promise)[0]!.data).toBe('a');
    await replay.insert('b', { q: 1 });
    await replay.insert('c', { q: 1 });
    const blocked = track(replay.insert('d', { q: 1 }));
    await drain();
    expect(blocked.settled).toBe(false);
    expect((await replay.sample('q', 1))[0]!.data).toBe('b');
    await blocked.promise;
    expect((await replay.sample('q', 2)).map((item) => item.data)).toEqual(['c', 'd']);
    expect(replay.info().tables[0]).toMatchObject({ size: 0, inserts: 4, samples: 4 });
  });

  it('serves waiting calls first come, first served', async () => {
    const replay = new ReplayService({ tables: [queueTable('q', 10)] });
    const order: string[] = [];
    const one = replay.sample('q', 1).then(() => order.push('one'));
    const two = replay.sample('q', 1).then(() => order.push('two'));
    await replay.insert('a', { q: 1 });
    await replay.insert('b', { q: 1 });
    await Promise.all([one, two]);
    expect(order).toEqual(['one', 'two']);
  });

  it('times out a waiting sample with DEADLINE_EXCEEDED and a message saying why', async () => {
    vi.useFakeTimers();
    const replay = replayWith(RateLimiters.minSize(2));
    const sample = replay.sample('t', 1, { timeoutMs: 1_000 });
    const outcome = sample.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(999);
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    expect((error as Error).message).toMatch(
      /Table "t": the rate limiter did not allow the sample within 1000 ms \(size 0, .*insert more items/,
    );
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(0);
  });

  it('times out a waiting insert, and the expired call no longer holds back the others', async () => {
    vi.useFakeTimers();
    const replay = new ReplayService({ tables: [queueTable('q', 1)] });
    await replay.insert('a', { q: 1 });
    const expired = replay.insert('b', { q: 1 }, { timeoutMs: 50 }).catch((e: unknown) => e);
    const patient = track(replay.insert('c', { q: 1 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(isLaunchpadError(await expired, 'DEADLINE_EXCEEDED')).toBe(true);
    expect(patient.settled).toBe(false);
    expect((await replay.sample('q', 1))[0]!.data).toBe('a');
    await patient.promise;
    expect((await replay.sample('q', 1))[0]!.data).toBe('c');
    // The expired item's data was never stored.
    expect(replay.info().chunks).toBe(0);
  });

  it('cancelSamples rejects the tagged waiting calls with CANCELLED, and only those', async () => {
    const replay = replayWith(RateLimiters.minSize(1));
    const tagged = replay.sample('t', 1, { tag: 'stream-1' }).catch((e: unknown) => e);
    const other = track(replay.sample('t', 1));
    expect(replay.cancelSamples('stream-1')).toBe(1);
    expect(isLaunchpadError(await tagged, 'CANCELLED')).toBe(true);
    await replay.insert('a', { t: 1 });
    await other.promise;
  });
});

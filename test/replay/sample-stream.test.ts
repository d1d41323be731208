/**
 * The sample stream keeps calls in flight, yields batches in order, and ends cleanly
 * when the consumer stops or the signal aborts, cancelling its waiting calls.
 */
import { describe, expect, it } from 'vitest';
import {
  RateLimiters,
  Removers,
  ReplayService,
  Samplers,
  queueTable,
  sampleStream,
} from '../../src/replay/index.ts';

describe('sampleStream', () => {
  it('keeps inFlight calls waiting and yields batches in order', async () => {
    const replay = new ReplayService({ tables: [queueTable('q', 100)] });
    const stream = sampleStream(replay, 'q', { batchSize: 2, inFlight: 3 })[Symbol.asyncIterator]();
    const first = stream.next();
    await Promise.resolve();
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(3);
    for (let i = 0; i < 6; i++) await replay.insert(i, { q: 1 });
    expect((await first).value!.map((item) => item.data)).toEqual([0, 1]);
    expect((await stream.next()).value!.map((item) => item.data)).toEqual([2, 3]);
    expect((await stream.next()).value!.map((item) => item.data)).toEqual([4, 5]);
    await stream.return(undefined);
    // The calls the stream had in flight were cancelled on the node.
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(0);
  });

  it('ends quietly when the consumer breaks out of for await', async () => {
    const replay = new ReplayService({
      tables: [
        {
          name: 't',
          maxSize: 10,
          sampler: Samplers.uniform(),
          remover: Removers.fifo(),
          rateLimiter: RateLimiters.minSize(1),
        },
      ],
    });
    await replay.insert('x', { t: 1 });
    let batches = 0;
    for await (const batch of sampleStream(replay, 't', { batchSize: 4 })) {
      expect(batch).toHaveLength(4);
      if (++batches === 5) break;
    }
    expect(batches).toBe(5);
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(0);
  });

  it('ends quietly when its signal aborts while waiting', async () => {
    const replay = new ReplayService({ tables: [queueTable('q', 10)] });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const consumed = (async () => {
      for await (const batch of sampleStream(replay, 'q', {
        batchSize: 1,
        signal: controller.signal,
      })) {
        seen.push(batch[0]!.data);
      }
    })();
    await replay.insert('a', { q: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await consumed;
    expect(seen).toEqual(['a']);
    expect(replay.info().tables[0]!.rateLimiter.blockedSamples).toBe(0);
  });
});

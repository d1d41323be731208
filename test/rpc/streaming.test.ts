/**
 * Streamed results: a method returning an AsyncIterable reaches the caller as one, with
 * credit-based backpressure, and the producer is told when the caller stops.
 */
import * as lp from 'launchpad-ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INITIAL_STREAM_CREDIT } from '../../src/rpc/protocol.ts';
import { closeAll, serve } from './harness.ts';

class Counter {
  produced = 0;
  finished = false;

  async *count(n: number): AsyncGenerator<number> {
    await Promise.resolve(); // a producer that awaits, as real ones do
    try {
      for (let i = 0; i < n; i++) {
        this.produced++;
        yield i;
      }
    } finally {
      this.finished = true;
    }
  }

  async *forever(): AsyncGenerator<Float32Array> {
    await Promise.resolve();
    try {
      for (;;) {
        this.produced++;
        yield new Float32Array([this.produced]);
      }
    } finally {
      this.finished = true;
    }
  }

  async *failAfter(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
    await Promise.resolve();
    throw new RangeError(`stopped after ${n}`);
  }

  async later(n: number): Promise<AsyncIterable<number>> {
    await Promise.resolve();
    return this.count(n);
  }

  plain(): number {
    return 7;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

afterEach(closeAll);

describe('streamed results', () => {
  it('delivers every value in order, across many credit windows', async () => {
    const { client } = await serve(new Counter());
    const values = await collect(client().count(1_000));
    expect(values).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it('delivers an empty stream, and a stream returned by an async method', async () => {
    const { client } = await serve(new Counter());
    expect(await collect(client().count(0))).toEqual([]);
    expect(await collect(client().later(3))).toEqual([0, 1, 2]);
  });

  it('gives the stream itself to a caller who awaits the call', async () => {
    const { client } = await serve(new Counter());
    const call: unknown = client().count(2);
    const stream = (await (call as Promise<unknown>)) as AsyncIterable<number>;
    expect(await collect(stream)).toEqual([0, 1]);
  });

  it('refuses to iterate a single value, saying to await it', async () => {
    const { client } = await serve(new Counter());
    const call = client().plain() as unknown as AsyncIterable<number>;
    await expect(collect(call)).rejects.toThrow(/await the call instead/);
  });

  it('holds the producer to the credit the consumer has granted (backpressure)', async () => {
    const counter = new Counter();
    const { client } = await serve(counter);
    const iterator = client().forever()[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) await iterator.next();
    // Let the producer run as far as it may; it must stop at the window.
    await vi.waitFor(() => {
      expect(counter.produced).toBeGreaterThanOrEqual(INITIAL_STREAM_CREDIT);
    });
    await sleep(100);
    expect(counter.produced).toBeLessThanOrEqual(INITIAL_STREAM_CREDIT + 1);
    await iterator.return?.();
  });

  it('tells the producer to stop when the caller breaks out of the loop', async () => {
    const counter = new Counter();
    const { client } = await serve(counter);
    let seen = 0;
    for await (const _ of client().forever()) {
      if (++seen === 5) break;
    }
    await vi.waitFor(() => {
      expect(counter.finished).toBe(true);
    });
  });

  it('rejects with CANCELLED and stops the producer when the caller aborts', async () => {
    const counter = new Counter();
    const { client } = await serve(counter);
    const controller = new AbortController();
    const stream = lp.withOptions(client(), { signal: controller.signal }).forever();
    const error = await (async () => {
      let seen = 0;
      for await (const _ of stream) if (++seen === 3) controller.abort();
    })().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'CANCELLED')).toBe(true);
    await vi.waitFor(() => {
      expect(counter.finished).toBe(true);
    });
  });

  it('ends the loop with the producer’s error, after the values it yielded', async () => {
    const { client } = await serve(new Counter());
    const values: number[] = [];
    const error = await (async () => {
      for await (const value of client().failAfter(2)) values.push(value);
    })().catch((e: unknown) => e);
    expect(values).toEqual([0, 1]);
    expect(error).toBeInstanceOf(lp.RemoteError);
    expect((error as lp.RemoteError).remoteName).toBe('RangeError');
  });

  it('fails the loop with UNAVAILABLE naming the node when the connection drops', async () => {
    const counter = new Counter();
    const { client, server } = await serve(counter, { nodeId: 'streamer/3' });
    const iterator = client().forever()[Symbol.asyncIterator]();
    await iterator.next();
    await server.close();
    const error = await (async () => {
      for (;;) await iterator.next();
    })().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('streamer/3');
    await vi.waitFor(() => {
      expect(counter.finished).toBe(true);
    });
  });
});

/** Streams numbers for ever; says when its producer was stopped. */
class Endless {
  #onStopped: () => void = () => undefined;
  /** Resolves once the producer's generator has been ended. */
  readonly producerStopped = new Promise<void>((resolve) => {
    this.#onStopped = resolve;
  });
  /** Answers at once. */
  ping(): string {
    return 'pong';
  }
  /** 0, 1, 2, ... until the caller or the server ends it. */
  async *count(): AsyncGenerator<number> {
    try {
      for (let i = 0; ; i++) {
        yield i;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#onStopped();
    }
  }
}

describe('a stream with a deadline', () => {
  it('ends with DEADLINE_EXCEEDED and stops its producer', async () => {
    const endless = new Endless();
    const { client } = await serve(endless);
    const caller = client();
    await caller.ping(); // connected: the deadline runs out on the stream itself
    let received = 0;
    const error = await (async () => {
      for await (const value of lp.withOptions(caller, { timeoutMs: 200 }).count()) {
        expect(value).toBe(received);
        received++;
      }
    })().catch((e: unknown) => e);
    expect(lp.isLaunchpadError(error, 'DEADLINE_EXCEEDED')).toBe(true);
    // The producer's finally ran: the server ended the generator (the test's timeout bounds it).
    await endless.producerStopped;
  });
});

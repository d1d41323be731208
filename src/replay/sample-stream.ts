/**
 * @module
 * {@link sampleStream}: batches from a replay table as an `AsyncIterable`, keeping
 * several `sample` calls in flight so the learner rarely waits on the network.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '../rpc/client-type.ts';
import { clientCore } from '../rpc/client-registry.ts';
import { withOptions } from '../rpc/typed-client.ts';
import { defined } from './defined.ts';
import type { SampledItem, SampleOptions } from './types.ts';

/**
 * What a stream needs of the replay node: a replay client, or the service itself.
 * @typeParam Item - the data type of the node's items
 */
export interface SampleTarget<Item = unknown> {
  /** Samples a batch. */
  sample(table: string, batchSize: number, options?: SampleOptions): Promise<SampledItem<Item>[]>;
  /** Cancels the stream's waiting calls. */
  cancelSamples(tag: string): Promise<number> | number;
}

/** Options of {@link sampleStream}. */
export interface SampleStreamOptions {
  /** Items per batch. */
  readonly batchSize: number;
  /** `sample` calls kept in flight (prefetched batches). @default 2 */
  readonly inFlight?: number;
  /** Ends the stream (quietly) when aborted. */
  readonly signal?: AbortSignal;
  /** Each call's wait for the rate limiter; on expiry the stream throws. @default Infinity */
  readonly timeoutMs?: number;
}

// How long ending a stream waits for the node to drop the stream's waiting calls.
const CANCEL_TIMEOUT_MS = 2_000;

/**
 * Batches from `table`, in the order the calls were made. The stream ends when the
 * consumer stops iterating or `signal` aborts; calls still waiting on the node are
 * cancelled, and prefetched batches are dropped (they count as sampled).
 *
 * @example
 * ```ts
 * for await (const batch of sampleStream(replay, 'replay', { batchSize: 32, inFlight: 4 })) {
 *   learner.step(batch);
 *   if (done) break;
 * }
 * ```
 */
export async function* sampleStream<Item = unknown>(
  replay: SampleTarget<Item>,
  table: string,
  options: SampleStreamOptions,
): AsyncGenerator<SampledItem<Item>[], void, undefined> {
  const { batchSize, inFlight = 2, signal, timeoutMs } = options;
  const tag = `stream-${randomUUID()}`;
  const abort = new AbortController();
  const onAbort = (): void => {
    abort.abort();
  };
  // An abort event never fires for a signal that has already aborted.
  if (signal?.aborted === true) abort.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const isClient = clientCore(replay) !== undefined;
  // A real client also drops its pending calls locally when the stream ends.
  const caller = isClient
    ? withOptions(replay as unknown as Client<SampleTarget<Item>>, { signal: abort.signal })
    : replay;
  const callOptions: SampleOptions = { tag, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  const aborted = new Promise<{ batch?: undefined }>((resolve) => {
    abort.signal.addEventListener('abort', () => {
      resolve({});
    });
  });
  const pending: Promise<SampledItem<Item>[]>[] = [];
  try {
    while (!abort.signal.aborted) {
      while (pending.length < Math.max(1, inFlight)) {
        const call = caller.sample(table, batchSize, callOptions);
        // Errors surface when the batch is awaited; until then they are not unhandled.
        call.catch(() => undefined);
        pending.push(call);
      }
      const next = defined(pending.shift(), 'the next pending batch');
      const { batch } = await Promise.race([next.then((items) => ({ batch: items })), aborted]);
      if (batch === undefined) return;
      yield batch;
    }
  } catch (error) {
    if (abort.signal.aborted) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    abort.abort();
    const canceller = isClient
      ? withOptions(replay as unknown as Client<SampleTarget<Item>>, {
          timeoutMs: CANCEL_TIMEOUT_MS,
        })
      : replay;
    await Promise.resolve(canceller.cancelSamples(tag)).catch(() => undefined);
  }
}

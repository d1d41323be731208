/**
 * @module
 * The caller's side of a streamed result: an `AsyncIterableIterator` fed by ITEM frames.
 * It grants the server more credit as values are consumed (so at most one window of
 * values is ever buffered), and cancels the call when the caller stops iterating.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { INITIAL_STREAM_CREDIT } from './protocol.ts';

/** How a {@link RemoteStream} talks back to its call. */
export interface StreamControl {
  /** Lets the server send `count` more values. */
  grant(count: number): void;
  /** Tells the server to stop the producer, and forgets the call. */
  cancel(): void;
}

// Credit goes back in half windows: often enough that the producer never idles while the
// consumer keeps up, rarely enough that CREDIT frames stay a small share of the traffic.
const GRANT_EVERY = INITIAL_STREAM_CREDIT / 2;

/**
 * How long a stream may hand values to its consumer without letting the event loop turn.
 * A consumer that works on each value synchronously (a learner's update step) is resumed
 * from a microtask when a value is ready, so without this bound it would run through every
 * buffered value, and every value a MessagePort delivers in one go, before the node reads
 * anything else: calls to that node would wait for the whole run (hundreds of ms to
 * seconds under `threads`). Past this time the next value is handed out from
 * `setImmediate`, after pending I/O. A fast consumer pays one loop turn per millisecond.
 */
export const STREAM_YIELD_AFTER_MS = 1;

interface Waiter {
  resolve(result: IteratorResult<unknown>): void;
  reject(error: Error): void;
}

/** Values of one streamed call, in order, with backpressure. */
export class RemoteStream implements AsyncIterableIterator<unknown> {
  readonly #control: StreamControl;
  #items: unknown[] = [];
  #head = 0;
  #waiter: Waiter | undefined;
  #ended = false;
  #error: Error | undefined;
  #consumed = 0;
  // When the event loop last turned for this stream (a hand-out from setImmediate).
  #turnAt = performance.now();
  // A hand-out is waiting for the event loop to turn.
  #yielding = false;
  readonly #resume = (): void => {
    this.#yielding = false;
    this.#turnAt = performance.now();
    this.#handOut();
  };

  /** @param control - the call behind the stream */
  constructor(control: StreamControl) {
    this.#control = control;
  }

  /** The server sent a value. */
  push(value: unknown): void {
    if (this.#ended) return;
    this.#items.push(value);
    this.#handOut();
  }

  /** The stream ended: with `error`, or cleanly. Buffered values are still delivered. */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#handOut();
  }

  /** The next value, waiting for it if needed. */
  next(): Promise<IteratorResult<unknown>> {
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          'A stream was read by two next() calls at once; read it with one for-await loop.',
        ),
      );
    }
    const result = new Promise<IteratorResult<unknown>>((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
    this.#handOut();
    return result;
  }

  // Gives the waiting consumer its next value (or the end), unless it has held the event
  // loop for STREAM_YIELD_AFTER_MS: then only after the loop has turned.
  #handOut(): void {
    const waiter = this.#waiter;
    if (waiter === undefined || this.#yielding) return;
    const buffered = this.#head < this.#items.length;
    if (!buffered && !this.#ended) return;
    if (performance.now() - this.#turnAt >= STREAM_YIELD_AFTER_MS) {
      this.#yielding = true;
      setImmediate(this.#resume);
      return;
    }
    this.#waiter = undefined;
    if (buffered) {
      const value = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      if (!this.#ended) this.#consumed1();
      waiter.resolve({ value, done: false });
      return;
    }
    const error = this.#error;
    this.#error = undefined; // an error is reported once; after it the stream is done
    if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(error);
  }

  /** Stops iterating: the server's producer is told to stop (`break` calls this). */
  return(): Promise<IteratorResult<unknown>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#control.cancel();
    }
    this.#items = [];
    this.#head = 0;
    this.#error = undefined;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  /** The stream is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  #consumed1(): void {
    if (++this.#consumed >= GRANT_EVERY) {
      this.#control.grant(this.#consumed);
      this.#consumed = 0;
    }
  }
}

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

  /** @param control - the call behind the stream */
  constructor(control: StreamControl) {
    this.#control = control;
  }

  /** The server sent a value. */
  push(value: unknown): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.#consumed1();
      waiter.resolve({ value, done: false });
    } else {
      this.#items.push(value);
    }
  }

  /** The stream ended: with `error`, or cleanly. Buffered values are still delivered. */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(error);
  }

  /** The next value, waiting for it if needed. */
  next(): Promise<IteratorResult<unknown>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      if (!this.#ended) this.#consumed1();
      return Promise.resolve({ value, done: false });
    }
    if (this.#ended) {
      const error = this.#error;
      this.#error = undefined; // an error is reported once; after it the stream is done
      return error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(error);
    }
    if (this.#waiter !== undefined) {
      return Promise.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          'A stream was read by two next() calls at once; read it with one for-await loop.',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
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

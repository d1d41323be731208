/**
 * @module
 * What a call returns: a promise of the result that can also be iterated with
 * `for await`. The caller cannot know in advance whether a method streams (only its type
 * says so, and types are gone at run time), so every call returns this hybrid: awaiting
 * it gives a plain result (or, for a stream, the stream itself); iterating it gives the
 * stream's values.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { isAsyncIterable } from './cancellation.ts';

/** A call in flight: a promise of its result, iterable when the result is a stream. */
export type CallResult = Promise<unknown> & AsyncIterable<unknown>;

/** Makes `promise` iterable as a stream (the same object is returned). */
export function asCallResult(promise: Promise<unknown>): CallResult {
  // A shared method rather than a closure: one property store per call, no allocation.
  (promise as CallResult)[Symbol.asyncIterator] = iterateCall;
  return promise as CallResult;
}

function iterateCall(this: Promise<unknown>): AsyncIterator<unknown> {
  return new CallIterator(this);
}

// Waits for the first answer, then delegates to the stream it carries.
class CallIterator implements AsyncIterator<unknown> {
  readonly #source: Promise<unknown>;
  #stream: AsyncIterator<unknown> | undefined;
  #returned = false;

  constructor(source: Promise<unknown>) {
    this.#source = source;
  }

  async next(): Promise<IteratorResult<unknown>> {
    if (this.#stream === undefined) {
      const value = await this.#source;
      if (this.#returned) return { value: undefined, done: true };
      this.#stream = streamOf(value);
    }
    return this.#stream.next();
  }

  async return(): Promise<IteratorResult<unknown>> {
    this.#returned = true;
    if (this.#stream !== undefined) return (await this.#stream.return?.()) ?? doneResult();
    // Stopped before the first value arrived: stop the stream once it shows up.
    this.#source.then(
      (value) => {
        if (isAsyncIterable(value)) void value[Symbol.asyncIterator]().return?.();
      },
      () => undefined,
    );
    return doneResult();
  }
}

function doneResult(): IteratorResult<unknown> {
  return { value: undefined, done: true };
}

function streamOf(value: unknown): AsyncIterator<unknown> {
  if (isAsyncIterable(value)) return value[Symbol.asyncIterator]();
  throw new LaunchpadError(
    'FAILED_PRECONDITION',
    'The method returned a single value, not a stream: await the call instead of ' +
      'iterating it (only methods that return an AsyncIterable can be iterated).',
  );
}

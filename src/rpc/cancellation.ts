/**
 * @module
 * How server-side work learns that its caller gave up. When a caller aborts a call, its
 * deadline passes, or it stops iterating a stream, the client sends CANCEL; the server
 * then runs the cancel hook of that call's pending result, if it has one. Batched
 * handlers use this to take a cancelled call out of a batch that has not run yet.
 */

/** The property under which a pending result carries its cancel hook. */
export const cancelHook: unique symbol = Symbol('launchpad-ts.cancelHook');

/** A promise that may carry a cancel hook. */
export type CancellablePromise<TValue> = Promise<TValue> & { [cancelHook]?: () => void };

/**
 * Attaches `cancel` to `promise`, so that when the promise is the result of an RPC method
 * and the caller cancels the call, `cancel` runs. Returns `promise` itself.
 */
export function withCancelHook<TValue>(
  promise: Promise<TValue>,
  cancel: () => void,
): CancellablePromise<TValue> {
  (promise as CancellablePromise<TValue>)[cancelHook] = cancel;
  return promise;
}

/** The cancel hook of `value`, if it is a promise that carries one. */
export function cancelHookOf(value: Promise<unknown>): (() => void) | undefined {
  return (value as CancellablePromise<unknown>)[cancelHook];
}

/** True when `value` is an `AsyncIterable` (and so is sent as a stream). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

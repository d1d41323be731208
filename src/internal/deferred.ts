/**
 * @module
 * A promise with its settle functions, for state that other code settles later.
 */

/** A promise plus the functions that settle it. */
export interface Deferred<TValue> {
  /** The promise. It never reports an unhandled rejection by itself. */
  readonly promise: Promise<TValue>;
  /** Fulfils the promise. */
  resolve(value: TValue): void;
  /** Rejects the promise. */
  reject(error: Error): void;
}

/** A new {@link Deferred}. */
export function deferred<TValue>(): Deferred<TValue> {
  let resolve!: (value: TValue) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<TValue>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // The owner may settle it before anyone listens; whoever awaits it still sees the error.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

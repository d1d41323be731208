/**
 * @module
 * Waiting for a promise with a time limit, without leaving a timer behind that would keep
 * the process alive.
 */

/** Resolves `true` if `promise` settles within `ms`, else `false`. Never rejects. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(false);
    }, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

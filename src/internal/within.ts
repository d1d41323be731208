/**
 * @module
 * Waiting for a promise with a time limit, without leaving a timer behind that would keep
 * the process alive.
 */

/** Resolves `true` if `promise` settles within `ms`, else `false`. Never rejects. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          resolve(false);
        }, timerDelay(ms))
      : undefined;
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

// setTimeout fires at once for delays beyond a signed 32-bit millisecond count.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** `ms` clamped to what `setTimeout` honours (about 24.8 days). */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), LONGEST_TIMER_MS);
}

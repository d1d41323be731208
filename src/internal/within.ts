/**
 * @module
 * Waiting for a promise with a time limit, without leaving a timer behind that would keep
 * the process alive.
 */
import { LONGEST_TIMER_MS, LongTimeout } from './long-timeout.ts';

/** Resolves `true` if `promise` settles within `ms`, else `false`. Never rejects. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = Number.isFinite(ms)
      ? new LongTimeout(() => {
          resolve(false);
        }, ms)
      : undefined;
    promise.then(
      () => {
        timer?.clear();
        resolve(true);
      },
      () => {
        timer?.clear();
        resolve(true);
      },
    );
  });
}

/** `ms` clamped to what `setTimeout` honours (about 24.8 days). */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), LONGEST_TIMER_MS);
}

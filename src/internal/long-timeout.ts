/**
 * @module
 * Timers of any length. `setTimeout` holds at most 2^31−1 ms (about 24.8 days) and fires
 * at once, with a warning, for anything longer; a long deadline must not.
 */

/** The longest delay `setTimeout` honours. */
export const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** A timer that may run longer than `setTimeout` allows; clear it with `clear()`. */
export class LongTimeout {
  readonly #callback: () => void;
  readonly #due: number;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param callback - called once, when `ms` have passed
   * @param ms - the delay, finite and at least 0
   */
  constructor(callback: () => void, ms: number) {
    this.#callback = callback;
    this.#due = Date.now() + ms;
    this.#arm(ms);
  }

  /** Stops the timer; the callback will not be called. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Lets the process exit while only this timer is pending. */
  unref(): this {
    this.#timer?.unref();
    return this;
  }

  #arm(ms: number): void {
    // Wait in steps no longer than a timer can hold, then check what is left.
    this.#timer = setTimeout(
      () => {
        const left = this.#due - Date.now();
        if (left > 0) this.#arm(left);
        else this.#callback();
      },
      Math.min(Math.max(0, ms), LONGEST_TIMER_MS),
    );
  }
}

/**
 * Calls `callback` after `ms`, with a plain timer when it can hold the delay (the common
 * case, which costs nothing more) and a {@link LongTimeout} otherwise.
 */
export function setAnyTimeout(callback: () => void, ms: number): NodeJS.Timeout | LongTimeout {
  return ms <= LONGEST_TIMER_MS ? setTimeout(callback, ms) : new LongTimeout(callback, ms);
}

/** Clears a timer made by {@link setAnyTimeout}. */
export function clearAnyTimeout(timer: NodeJS.Timeout | LongTimeout | undefined): void {
  if (timer instanceof LongTimeout) timer.clear();
  else clearTimeout(timer);
}

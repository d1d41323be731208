/**
 * @module
 * {@link RestartHistory}: when a node that ended is restarted, and after how long, as
 * process supervisors decide it. Restarts count against `maxRestarts` only within the
 * last `windowMs`, so a node that fails once an hour is restarted for as long as the
 * program runs; the backoff doubles with each restart after a short run and starts again
 * from `backoffMs` after a run that lasted `resetAfterMs`, so one failure after a healthy
 * hour waits `backoffMs`, not the largest backoff.
 */
import type { ResolvedRestartPolicy } from '../options/restart-policy.ts';

/** A restart decided: its delay and how many restarts the window now holds. */
export interface RestartDecision {
  /** How long to wait before starting the node again. */
  readonly delayMs: number;
  /** Restarts within the window, this one included. */
  readonly inWindow: number;
}

/** One node's restarts: what its policy allows next. */
export class RestartHistory {
  readonly #policy: ResolvedRestartPolicy;
  // When each restart within the window was decided, oldest first.
  #restarts: number[] = [];
  // Restarts since the last healthy run: the backoff's exponent.
  #streak = 0;

  /** @param policy - the node's restart policy */
  constructor(policy: ResolvedRestartPolicy) {
    this.#policy = policy;
  }

  /**
   * Decides whether a run that began at `startedAt` and ended at `now` (failed or not)
   * is followed by a restart, and when. `undefined`: the node stays down.
   */
  next(failed: boolean, startedAt: number, now: number): RestartDecision | undefined {
    const policy = this.#policy;
    if (policy.mode === 'never' || (policy.mode === 'on-failure' && !failed)) return undefined;
    if (now - startedAt >= policy.resetAfterMs) this.#streak = 0;
    this.#restarts = this.#restarts.filter((at) => now - at < policy.windowMs);
    if (this.#restarts.length >= policy.maxRestarts) return undefined;
    const delayMs = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** this.#streak);
    this.#streak += 1;
    this.#restarts.push(now);
    return { delayMs, inWindow: this.#restarts.length };
  }
}

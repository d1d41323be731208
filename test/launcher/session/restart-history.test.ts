/**
 * The restart rule, over hours of a node's life: restarts count within a window, and the
 * backoff starts again after a healthy run, as process supervisors do.
 */
import { describe, expect, it } from 'vitest';
import { RestartHistory } from '../../../src/launcher/session/restart-history.ts';

const HOUR = 3_600_000;
const policy = {
  mode: 'on-failure',
  maxRestarts: 3,
  backoffMs: 100,
  maxBackoffMs: 5_000,
  windowMs: 600_000,
  resetAfterMs: 60_000,
} as const;

describe('RestartHistory', () => {
  it('restarts a node that fails once an hour for ever, each time after backoffMs', () => {
    const history = new RestartHistory(policy);
    for (let hour = 1; hour <= 20; hour++) {
      // Each run started a moment after the previous failure and lasted an hour.
      expect(history.next(true, (hour - 1) * HOUR, hour * HOUR)).toEqual({
        delayMs: 100,
        inWindow: 1,
      });
    }
  });

  it('doubles the backoff over short runs and stops at maxRestarts within the window', () => {
    const history = new RestartHistory(policy);
    const decisions = [1, 2, 3, 4].map((second) =>
      history.next(true, (second - 1) * 1_000, second * 1_000),
    );
    expect(decisions).toEqual([
      { delayMs: 100, inWindow: 1 },
      { delayMs: 200, inWindow: 2 },
      { delayMs: 400, inWindow: 3 },
      undefined,
    ]);
  });

  it('lets old restarts leave the window', () => {
    const history = new RestartHistory(policy);
    for (const second of [1, 2, 3]) history.next(true, second * 1_000 - 500, second * 1_000);
    // Ten minutes after the first restart, it no longer counts; the run was short, so the
    // backoff goes on doubling.
    expect(history.next(true, 600_500, 601_000)).toEqual({ delayMs: 800, inWindow: 3 });
  });

  it('never restarts a clean end under on-failure, nor anything under never', () => {
    expect(new RestartHistory(policy).next(false, 0, HOUR)).toBeUndefined();
    expect(new RestartHistory({ ...policy, mode: 'never' }).next(true, 0, HOUR)).toBeUndefined();
  });
});

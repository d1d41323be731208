/**
 * Waits for a condition the test cannot be told about by an event (a launcher's node
 * states, a process's end): checks it often, and fails, saying what it waited for, if it
 * does not hold within a generous bound. The bound only ends a broken test; no test
 * depends on how long the wait takes.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `condition()` is true; rejects naming `what` after `limitMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 30_000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > limitMs)
      throw new Error(`Gave up waiting for ${what} after ${limitMs} ms.`);
    await sleep(20);
  }
}

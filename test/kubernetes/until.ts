/** Waiting in the Kubernetes tests for something the fake or the launcher does. */

/**
 * Resolves once `condition()` holds, checking every 20 ms; rejects naming `what` after
 * `limitMs` (generous: it only bounds a test that is failing anyway).
 */
export async function until(
  condition: () => boolean,
  what: string,
  limitMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

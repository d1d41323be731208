/**
 * @module
 * The stop-cancellation policy of calls: a call that fails because the program is stopping
 * (its callee closed, or the callee's address was withdrawn by the stop) ends as
 * `CANCELLED` with a handled rejection, not as `UNAVAILABLE` that nobody may be awaiting.
 * A call made once the stop had begun is not cancelled by it: it fails as any call to a
 * node that is gone does. The peer (`peer.ts`) applies this policy to its calls; how it
 * reaches a node and carries frames has nothing to do with stops.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { markQuiet } from './caller-frames.ts';
import { thrownAsError } from '../errors/thrown.ts';

// The errors made by stopCancelled, so that one is passed on as it is rather than wrapped
// again by the call that waited for it.
const stopCancellations = new WeakSet<LaunchpadError>();
// How long calls that lost their callee wait to learn whether the program is stopping.
const STOP_NEWS_MS = 500;
const STOP_NEWS_POLL_MS = 10;

/**
 * The `CANCELLED` error of `call` (e.g. `learner.step()`) ended by the program's stop.
 *
 * @param cause - what ended it, when known (the connection's close)
 */
export function stopCancelled(call: string, cause: Error | undefined): LaunchpadError {
  const error = new LaunchpadError(
    'CANCELLED',
    `Call ${call} was cancelled: the program is stopping` +
      (cause === undefined ? '.' : ` (${cause.message}).`),
    { cause },
  );
  stopCancellations.add(error);
  return error;
}

// The CANCELLED error for a call that failed because the program is stopping: it lost its
// callee (UNAVAILABLE), or the callee's address was withdrawn by the stop (CANCELLED,
// though not by the caller's own signal). Undefined for any other failure.
function cancelledByStop(
  call: string,
  error: unknown,
  signal: AbortSignal | undefined,
  stopping: (() => boolean) | undefined,
): LaunchpadError | undefined {
  if (!(error instanceof LaunchpadError)) return undefined;
  if (stopCancellations.has(error)) return error;
  const lostCallee =
    error.code === 'UNAVAILABLE' || (error.code === 'CANCELLED' && signal?.aborted !== true);
  if (!lostCallee || stopping?.() !== true) return undefined;
  return stopCancelled(call, error);
}

/**
 * Runs `attempt` (a call that waits for its connection) and settles as it does, except that
 * a failure caused by the program's stop becomes `CANCELLED` and its rejection is marked
 * handled (see `ClientCall.failQuietly`).
 *
 * @param call - the call, as messages name it (`node.method()`)
 * @param signal - the caller's own signal: an abort by it is not the stop's doing
 * @param stopping - true once the program is stopping; absent when nothing stops it
 */
export function cancelledOnStop(
  call: string,
  signal: AbortSignal | undefined,
  stopping: (() => boolean) | undefined,
  attempt: () => Promise<unknown>,
): Promise<unknown> {
  const madeWhileStopping = stopping?.() === true;
  const result = new Promise<unknown>((resolve, reject) => {
    attempt().then(resolve, (error: unknown) => {
      const stopped = madeWhileStopping
        ? undefined
        : cancelledByStop(call, error, signal, stopping);
      if (stopped === undefined) {
        reject(thrownAsError(error));
        return;
      }
      result.catch(ignore);
      markQuiet(stopped);
      reject(stopped);
    });
  });
  return result;
}

/**
 * Calls `settle` once this process knows whether the program is stopping, or after a short
 * wait when it does not learn it: a callee that closes because the program is stopping may
 * do so a moment before this process hears of the stop, and the calls it leaves should
 * then end as cancelled by the stop, not as failures nobody may be awaiting.
 */
export function whenStopIsKnown(stopping: () => boolean, settle: () => void): void {
  const since = Date.now();
  const settleOnceStoppingIsKnown = (): void => {
    if (stopping() || Date.now() - since >= STOP_NEWS_MS) settle();
    else setTimeout(settleOnceStoppingIsKnown, STOP_NEWS_POLL_MS);
  };
  setTimeout(settleOnceStoppingIsKnown, STOP_NEWS_POLL_MS);
}

function ignore(): void {
  // The rejection is seen by whoever awaits the call; nobody else needs to.
}

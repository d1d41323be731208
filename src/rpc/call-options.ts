/**
 * @module
 * Options that bound a call in time, set per client and overridable per call.
 */

/** Limits for calls. Every field is optional; unset fields fall back to the defaults. */
export interface CallOptions {
  /**
   * The whole call's deadline, in milliseconds from when it is made, including the time
   * spent waiting for the callee to come up. `Infinity` means no deadline.
   * @default Infinity
   */
  readonly timeoutMs?: number;
  /**
   * How long a call waits for the callee to come up (wait-for-ready) before it fails
   * with an `UNAVAILABLE` error that names the node.
   * @default 60000
   */
  readonly connectTimeoutMs?: number;
  /** Aborting the signal rejects the call with a `CANCELLED` error. */
  readonly signal?: AbortSignal;
}

/** The defaults applied when neither the client nor the call sets a limit. */
export const DEFAULT_CALL_OPTIONS = {
  timeoutMs: Number.POSITIVE_INFINITY,
  connectTimeoutMs: 60_000,
} as const;

/** Merges option layers; later layers win field by field. */
export function mergeCallOptions(...layers: (CallOptions | undefined)[]): CallOptions {
  const merged: { timeoutMs?: number; connectTimeoutMs?: number; signal?: AbortSignal } = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.timeoutMs !== undefined) merged.timeoutMs = layer.timeoutMs;
    if (layer.connectTimeoutMs !== undefined) merged.connectTimeoutMs = layer.connectTimeoutMs;
    if (layer.signal !== undefined) merged.signal = layer.signal;
  }
  return merged;
}

/**
 * @module
 * Options that bound a call in time, set per client and overridable per call.
 */

/** Limits for calls. Every field is optional; unset fields fall back to the defaults. */
export interface CallOptions {
  /**
   * The whole call's deadline, in milliseconds from when it is made, including the time
   * spent waiting for the callee to come up: a number ≥ 0, of any size (a deadline of
   * 30 days is kept). `Infinity` means no deadline. Anything else (`NaN`, a negative
   * number, a string) fails the call with `INVALID_ARGUMENT` before it is sent.
   * @default Infinity
   */
  readonly timeoutMs?: number;
  /**
   * How long a call waits for the callee to come up (wait-for-ready) before it fails
   * with an `UNAVAILABLE` error that names the node. A number ≥ 0, or `Infinity`.
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

/**
 * What is wrong with `options`, as a phrase for an error message, or `undefined` when
 * nothing is. Cheap enough to run on every call: two type checks in the common case.
 */
export function callOptionsProblem(options: CallOptions): string | undefined {
  const { timeoutMs, connectTimeoutMs, signal } = options;
  if (timeoutMs !== undefined && !isMilliseconds(timeoutMs)) {
    return `timeoutMs must be a number of milliseconds ≥ 0 (Infinity for no deadline), not ${describe(timeoutMs)}`;
  }
  if (connectTimeoutMs !== undefined && !isMilliseconds(connectTimeoutMs)) {
    return `connectTimeoutMs must be a number of milliseconds ≥ 0 (Infinity to wait for ever), not ${describe(connectTimeoutMs)}`;
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    return `signal must be an AbortSignal, not ${describe(signal)}`;
  }
  return undefined;
}

// NaN fails `>= 0` too.
function isMilliseconds(value: unknown): boolean {
  return typeof value === 'number' && value >= 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

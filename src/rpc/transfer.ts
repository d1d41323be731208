/**
 * @module
 * Opting in to hand buffers over without a copy. Between worker threads, a value marked
 * with {@link transfer} travels as a structured clone that moves its listed buffers to the
 * receiver (the sender's copy becomes detached), as Comlink's `transfer` does, and shares
 * any `SharedArrayBuffer` it holds instead of copying it. Everywhere else, and for
 * unmarked values, data is copied and the sender keeps it intact.
 */
import type { Transferable } from 'node:worker_threads';

const marks = new WeakMap<object, readonly Transferable[]>();

/**
 * Marks `value` (an argument or a return value) so that `transferables` are moved, not
 * copied, when it crosses between threads. The caller must not use them afterwards. A
 * typed array on a `SharedArrayBuffer` inside a marked value is shared with the receiving
 * thread, not copied (mark it with an empty list: `lp.transfer(value, [])`).
 *
 * @example
 * ```ts
 * const batch = new Float32Array(1 << 20);
 * await learner.update(lp.transfer(batch, [batch.buffer])); // batch is now detached
 * ```
 */
export function transfer<TValue extends object>(
  value: TValue,
  transferables: readonly Transferable[],
): TValue {
  marks.set(value, transferables);
  return value;
}

/**
 * The transferables marked on any of `values` (one level deep); `undefined` when none of
 * them is marked (a value marked with an empty list gives an empty list).
 */
export function markedTransferables(values: readonly unknown[]): Transferable[] | undefined {
  let found: Transferable[] | undefined;
  for (const value of values) {
    if (typeof value === 'object' && value !== null) {
      const marked = marks.get(value);
      if (marked !== undefined) (found ??= []).push(...marked);
    }
  }
  return found;
}

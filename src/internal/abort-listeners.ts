/**
 * @module
 * Listening to an `AbortSignal` from many places with one listener. Each call in flight
 * watches its signal, and a signal shared by hundreds of calls would otherwise carry
 * hundreds of listeners, which Node reports as a leak (`MaxListenersExceededWarning`).
 */

// The listeners of each signal, run by the one listener registered on it.
const registry = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts, at once if it already has. Returns the
 * function that removes it; call it when the listener is no longer needed.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) {
    listener();
    return noop;
  }
  let listeners = registry.get(signal);
  if (listeners === undefined) {
    const created = new Set<() => void>();
    listeners = created;
    registry.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        registry.delete(signal);
        for (const each of [...created]) each();
        created.clear();
      },
      { once: true },
    );
  }
  const own = listeners;
  own.add(listener);
  return () => {
    own.delete(listener);
  };
}

function noop(): void {
  // Nothing to remove: the listener already ran.
}

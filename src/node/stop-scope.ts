/**
 * @module
 * {@link StopScope}: a program's stop state as one process sees it. Firing it aborts the
 * stop signal and calls each stop handler once.
 */
import { setMaxListeners } from 'node:events';

/** The stop state of one program in one process. */
export class StopScope {
  readonly #controller = new AbortController();
  readonly #handlers = new Set<() => void>();
  readonly #request: () => void;

  /** @param request - how a stop request reaches whoever coordinates the program */
  constructor(request: () => void) {
    this.#request = request;
    // Every node and every node process's long poll listens: many listeners are normal.
    setMaxListeners(0, this.#controller.signal);
  }

  /** Fires when the program starts to stop. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Asks the program to stop (all of it, not only this process). */
  request(): void {
    this.#request();
  }

  /** Marks the program as stopping here: aborts the signal and runs each handler once. */
  fire(): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort();
    for (const handler of [...this.#handlers]) this.#runHandler(handler);
    this.#handlers.clear();
  }

  /** Registers a handler; if the program is already stopping it runs at once. */
  addHandler(handler: () => void): void {
    if (this.#controller.signal.aborted) this.#runHandler(handler);
    else this.#handlers.add(handler);
  }

  /** Removes a handler registered with {@link StopScope.addHandler}. */
  removeHandler(handler: () => void): void {
    this.#handlers.delete(handler);
  }

  #runHandler(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      // One faulty handler must not keep the others from running.
      console.error('launchpad-ts: a stop handler threw:', error);
    }
  }
}

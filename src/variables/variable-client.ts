/**
 * @module
 * {@link VariableClient}: the reader's side of variable sharing, as Acme's VariableClient.
 * Actors call `update()` at every step; the client fetches in the background every N
 * calls or every so many milliseconds, and only receives values when they are newer.
 */
import { describeThrown, LaunchpadError } from '../errors/errors.ts';
import { currentNode } from '../node/node-context.ts';
import type { VariableSource, VariableUpdate } from './variable-store.ts';

/** Options of a {@link VariableClient}. */
export interface VariableClientOptions {
  /**
   * `update()` starts a background fetch every this many calls.
   * @default 1 (every call, unless a fetch is already in flight)
   */
  readonly updatePeriod?: number;
  /** Also fetch in the background every this many milliseconds. @default never */
  readonly everyMs?: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `VariableClient: expected option \`${name}\` to be an integer ≥ 1, got ${describeThrown(value)}.`,
    );
  }
  return value;
}

/**
 * A local copy of variables published by a {@link VariableStore}, refreshed in the
 * background. At most one fetch is in flight; a fetch that finds nothing newer costs one
 * small round trip.
 *
 * @typeParam TValues - what the learner publishes
 * @example
 * ```ts
 * const variables = new lp.VariableClient(learner, { updatePeriod: 100 });
 * await variables.updateAndWait(); // the first values
 * for (;;) {
 *   policy.setParams(variables.values!.weights);
 *   variables.update(); // every 100th call fetches, without waiting
 * }
 * ```
 */
export class VariableClient<TValues> implements Disposable {
  readonly #source: VariableSource<TValues>;
  readonly #updatePeriod: number;
  #latest: VariableUpdate<TValues> | undefined;
  #calls = 0;
  #fetching: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastError: unknown;
  #fetches = 0;
  readonly #onStop = (): void => {
    this.close();
  };

  /**
   * @param source - a client of a service with `fetchVariables`, or a VariableStore
   * @param options - how often `update()` fetches, and an optional timer
   */
  constructor(source: VariableSource<TValues>, options: VariableClientOptions = {}) {
    if (typeof (source as Partial<VariableSource<TValues>> | null)?.fetchVariables !== 'function') {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `VariableClient: expected a source with a fetchVariables(sinceVersion) method (a client of a service that has one, or a VariableStore), got ${describeThrown(source)}.`,
      );
    }
    this.#source = source;
    this.#updatePeriod = positiveInteger('updatePeriod', options.updatePeriod ?? 1);
    if (options.everyMs !== undefined) {
      const everyMs = positiveInteger('everyMs', options.everyMs);
      this.#timer = setInterval(() => {
        void this.#fetchInBackground();
      }, everyMs);
      // A timer alone must not keep a node's process alive.
      this.#timer.unref();
    }
    // Inside a node, the timer ends with the program.
    currentNode()?.stop.addHandler(this.#onStop);
  }

  /** The latest values received, or `undefined` before the first. */
  get values(): TValues | undefined {
    return this.#latest?.values;
  }

  /** The version of {@link values}; 0 before the first. */
  get version(): number {
    return this.#latest?.version ?? 0;
  }

  /** Fetches that returned newer values (for reporting parameter traffic). */
  get fetches(): number {
    return this.#fetches;
  }

  /** The error of the last failed background fetch, cleared by the next success. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Counts a call and, every `updatePeriod` calls, starts a fetch in the background if
   * none is in flight. Never waits and never throws; see {@link lastError}.
   */
  update(): void {
    this.#calls++;
    if (this.#calls >= this.#updatePeriod) {
      this.#calls = 0;
      void this.#fetchInBackground();
    }
  }

  /** Fetches now (or joins the fetch in flight) and resolves once it is applied; throws its error. */
  async updateAndWait(): Promise<void> {
    await this.#fetching;
    await this.#fetch();
  }

  /** Stops the timer. The values stay readable. */
  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    currentNode()?.stop.removeHandler(this.#onStop);
  }

  /** Same as {@link close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  #fetchInBackground(): Promise<void> {
    this.#fetching ??= this.#fetch()
      .catch((error: unknown) => {
        this.#lastError = error;
      })
      .finally(() => {
        this.#fetching = undefined;
      });
    return this.#fetching;
  }

  async #fetch(): Promise<void> {
    const update = await this.#source.fetchVariables(this.version);
    this.#lastError = undefined;
    // A slower, older answer must not replace a newer one.
    if (update !== null && update.version > this.version) {
      this.#latest = update;
      this.#fetches++;
    }
  }
}

/**
 * @module
 * {@link VariableStore}: the learner's side of variable sharing. It holds the latest
 * published parameters and their version, so readers fetch only what is newer.
 */
import { describeThrown, LaunchpadError } from '../errors/errors.ts';

/** What a reader gets when newer variables exist: the values and their version. */
export interface VariableUpdate<TValues> {
  /** The version of `values`: 1 for the first publication, then one more each time. */
  readonly version: number;
  /** The published values, e.g. a record of typed arrays. */
  readonly values: TValues;
}

/**
 * Anything readers can fetch variables from: a {@link VariableStore}, a service that
 * delegates to one, or a client of such a service.
 */
export interface VariableSource<TValues> {
  /**
   * The latest variables if their version is greater than `sinceVersion`, else `null`
   * (nothing is sent when a reader is up to date).
   */
  fetchVariables(
    sinceVersion: number,
  ): VariableUpdate<TValues> | null | Promise<VariableUpdate<TValues> | null>;
}

/**
 * Versioned variables in a service: the learner publishes, readers fetch when newer. Expose
 * it by giving the service a `fetchVariables` method that delegates here; a
 * {@link VariableClient} on the reader's side keeps a copy fresh.
 *
 * @typeParam TValues - what is published, e.g. `{ weights: Float32Array }`
 * @example
 * ```ts
 * class Learner {
 *   readonly #variables = new lp.VariableStore<{ weights: Float32Array }>();
 *   fetchVariables(sinceVersion: number) {
 *     return this.#variables.fetchVariables(sinceVersion);
 *   }
 *   step() {
 *     // ...train, then:
 *     this.#variables.publish({ weights: this.net.params.slice() });
 *   }
 * }
 * ```
 */
export class VariableStore<TValues> implements VariableSource<TValues> {
  #latest: VariableUpdate<TValues> | undefined;

  /** The version of the latest publication; 0 before the first. */
  get version(): number {
    return this.#latest?.version ?? 0;
  }

  /**
   * Publishes `values` as the next version and returns that version. The store keeps the
   * object as given: pass a copy if the caller goes on changing its arrays.
   */
  publish(values: TValues): number {
    if (values === undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        'VariableStore.publish: expected the values to publish, got undefined.',
      );
    }
    this.#latest = { version: this.version + 1, values };
    return this.#latest.version;
  }

  /** The latest variables when newer than `sinceVersion`, else `null`. */
  fetchVariables(sinceVersion = 0): VariableUpdate<TValues> | null {
    if (typeof sinceVersion !== 'number' || Number.isNaN(sinceVersion)) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `fetchVariables: expected sinceVersion to be a number (0 for any version), got ${describeThrown(sinceVersion)}.`,
      );
    }
    const latest = this.#latest;
    return latest !== undefined && latest.version > sinceVersion ? latest : null;
  }
}

/**
 * @module
 * {@link AddressBook}: where the launcher keeps each node's RPC address, and how callers
 * wait for a node to come up.
 */
import { LaunchpadError } from '../../errors/errors.ts';
import { LongTimeout } from '../../internal/long-timeout.ts';
import type { AddressResolver } from '../../rpc/resolver.ts';

interface Waiter {
  resolve(address: string): void;
  reject(error: Error): void;
}

/** Node id → address, with waiting for nodes that are not up yet. */
export class AddressBook implements AddressResolver {
  readonly #addresses = new Map<string, string | undefined>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #known: ReadonlySet<string>;
  #closedReason: string | undefined;

  /** @param nodeIds - every node of the program */
  constructor(nodeIds: Iterable<string>) {
    this.#known = new Set(nodeIds);
  }

  /** Records that `nodeId` is up at `address` (`undefined` for nodes that serve no RPC). */
  register(nodeId: string, address: string | undefined): void {
    this.#addresses.set(nodeId, address);
    const waiters = this.#waiters.get(nodeId);
    this.#waiters.delete(nodeId);
    for (const waiter of waiters ?? []) this.#settle(nodeId, waiter);
  }

  /** Forgets `nodeId`'s address (it stopped); later lookups wait again. */
  unregister(nodeId: string): void {
    this.#addresses.delete(nodeId);
  }

  /**
   * The program is stopping: lookups of nodes that are not up fail at once (with
   * `CANCELLED`, so callers do not wait for a node that will never come back), while
   * nodes still up stay reachable for the rest of the shutdown.
   */
  close(reason: string): void {
    this.#closedReason = reason;
    for (const [nodeId, waiters] of this.#waiters) {
      for (const waiter of waiters) waiter.reject(this.#stopped(nodeId, reason));
    }
    this.#waiters.clear();
  }

  /** Resolves `nodeId`'s address once it is up, or rejects after `timeoutMs`. */
  resolve(nodeId: string, timeoutMs: number): Promise<string> {
    if (!this.#known.has(nodeId)) {
      return Promise.reject(
        new LaunchpadError('INVALID_ARGUMENT', `There is no node ${nodeId} in this program.`),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (this.#addresses.has(nodeId)) {
        this.#settle(nodeId, waiter);
        return;
      }
      if (this.#closedReason !== undefined) {
        reject(this.#stopped(nodeId, this.#closedReason));
        return;
      }
      let waiters = this.#waiters.get(nodeId);
      if (waiters === undefined) {
        waiters = new Set();
        this.#waiters.set(nodeId, waiters);
      }
      waiters.add(waiter);
      if (Number.isFinite(timeoutMs)) {
        // A long timer, so a wait of more than 24.8 days is not cut short.
        const timer = new LongTimeout(() => {
          waiters.delete(waiter);
          reject(this.#unavailable(nodeId, `it did not come up within ${timeoutMs} ms`));
        }, timeoutMs);
        waiter.resolve = (address) => {
          timer.clear();
          resolve(address);
        };
        waiter.reject = (error) => {
          timer.clear();
          reject(error);
        };
      }
    });
  }

  #settle(nodeId: string, waiter: Waiter): void {
    const address = this.#addresses.get(nodeId);
    if (address === undefined) {
      waiter.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          `Node ${nodeId} is a function node: it serves no RPC, so its handle cannot be called.`,
        ),
      );
    } else {
      waiter.resolve(address);
    }
  }

  #stopped(nodeId: string, reason: string): LaunchpadError {
    return new LaunchpadError('CANCELLED', `Node ${nodeId} is unavailable: ${reason}.`);
  }

  #unavailable(nodeId: string, reason: string): LaunchpadError {
    return new LaunchpadError('UNAVAILABLE', `Node ${nodeId} is unavailable: ${reason}.`);
  }
}

/**
 * @module
 * The launcher's control service, served over the same RPC as the nodes: node processes
 * fetch their spec, register their address, look up their peers, learn when to stop,
 * ask for a stop, and report their failure through it.
 */
import { LaunchpadError, type RemoteErrorInfo } from '../errors.ts';
import type { AddressBook } from '../launch/address-book.ts';
import type { ProgramLifecycle } from '../launch/program-lifecycle.ts';
import type { NodeSpec } from './node-spec.ts';

/** The methods node processes call on their launcher. */
export class ControlService {
  readonly #specs: ReadonlyMap<string, NodeSpec>;
  readonly #book: AddressBook;
  readonly #lifecycle: ProgramLifecycle;
  readonly #failures = new Map<string, RemoteErrorInfo>();

  /**
   * @param specs - node id → spec
   * @param book - the program's addresses
   * @param lifecycle - the program's state
   */
  constructor(
    specs: ReadonlyMap<string, NodeSpec>,
    book: AddressBook,
    lifecycle: ProgramLifecycle,
  ) {
    this.#specs = specs;
    this.#book = book;
    this.#lifecycle = lifecycle;
  }

  /** The spec of `nodeId`. */
  spec(nodeId: string): NodeSpec {
    const spec = this.#specs.get(nodeId);
    if (spec === undefined) {
      throw new LaunchpadError('INVALID_ARGUMENT', `There is no node ${nodeId} in this launch.`);
    }
    return spec;
  }

  /** `nodeId` is up, serving at `address` (`null` for function nodes). */
  register(nodeId: string, address: string | null): void {
    this.#book.register(nodeId, address ?? undefined);
    this.#lifecycle.nodeUp(nodeId);
  }

  /** The address of `nodeId`, once it is up. */
  lookup(nodeId: string, timeoutMs: number): Promise<string> {
    return this.#book.resolve(nodeId, timeoutMs);
  }

  /** Resolves when the program starts to stop (a long poll). */
  awaitStop(): Promise<void> {
    const signal = this.#lifecycle.stopScope.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
    });
  }

  /** A node called `lp.stop()`. */
  requestStop(): void {
    void this.#lifecycle.stop();
  }

  /** A node failed with this error; its process exits next. */
  reportFailure(nodeId: string, error: RemoteErrorInfo): void {
    this.#failures.set(nodeId, error);
  }

  /** The failure `nodeId` reported, if any. */
  reportedFailure(nodeId: string): RemoteErrorInfo | undefined {
    return this.#failures.get(nodeId);
  }
}

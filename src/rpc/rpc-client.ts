/**
 * @module
 * The untyped core of every client: `call(method, args, options)` on one node. The typed
 * {@link Client} is a thin proxy over it.
 */
import { mergeCallOptions, type CallOptions } from './call-options.ts';
import type { CallResult } from './call-result.ts';
import type { Peer } from './peer.ts';

/** A client of one node with its own default call options. */
export class RpcClient {
  readonly #peer: Peer;
  readonly #defaults: CallOptions;

  /**
   * @param peer - the channel to the node
   * @param defaults - the options applied to every call of this client
   */
  constructor(peer: Peer, defaults: CallOptions) {
    this.#peer = peer;
    this.#defaults = defaults;
  }

  /** The id of the node this client calls. */
  get nodeId(): string {
    return this.#peer.nodeId;
  }

  /** The options this client applies to its calls. */
  get defaults(): CallOptions {
    return this.#defaults;
  }

  /**
   * Calls `method` on the node; `options` override the client's defaults. The result is
   * a promise that can also be iterated with `for await` when the method streams.
   */
  call(method: string, args: unknown[], options?: CallOptions): CallResult {
    // Merging allocates; a call without overrides (the common case) skips it.
    const merged =
      options === undefined ? this.#defaults : mergeCallOptions(this.#defaults, options);
    return this.#peer.call(method, args, merged);
  }

  /** A client of the same node, sharing its connection, with other defaults. */
  withDefaults(options: CallOptions): RpcClient {
    return new RpcClient(this.#peer, mergeCallOptions(this.#defaults, options));
  }
}

/**
 * @module
 * Address resolution: how a client learns where a node listens. Launchers provide the
 * implementation (a local table in-process, a lookup on the launcher's control server for
 * processes), so the client code is the same everywhere.
 */

/** Finds a node's address, waiting for it to come up. */
export interface AddressResolver {
  /**
   * Resolves to `host:port` once the node has registered. Rejects with an `UNAVAILABLE`
   * error when `timeoutMs` passes first.
   */
  resolve(nodeId: string, timeoutMs: number): Promise<string>;
}

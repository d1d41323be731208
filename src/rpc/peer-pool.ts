/**
 * @module
 * One {@link Peer} per callee within one scope (a node, or the launcher), so that every
 * client of the same node shares a connection, and closing the scope closes them all.
 */
import { Peer, type PeerEnvironment } from './peer.ts';

/** The peers of one scope. */
export class PeerPool {
  readonly #environment: PeerEnvironment;
  readonly #peers = new Map<string, Peer>();

  /** @param environment - what every peer of this scope shares */
  constructor(environment: PeerEnvironment) {
    this.#environment = environment;
  }

  /** The peer for `nodeId`, created on first use. */
  peer(nodeId: string): Peer {
    let peer = this.#peers.get(nodeId);
    if (peer === undefined) {
      peer = new Peer(nodeId, this.#environment);
      this.#peers.set(nodeId, peer);
    }
    return peer;
  }

  /** Closes every connection of this scope. */
  close(): void {
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
  }
}

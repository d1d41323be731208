/**
 * @module
 * A node thread's side of direct channels: it asks the launcher's main thread for a
 * channel to another node, and receives the channels other nodes open to it.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { LaunchpadError } from '../errors/errors.ts';
import { fromRemoteErrorInfo } from '../rpc/wire-error.ts';
import {
  isPortMessage,
  type ConnectReply,
  type ConnectRequest,
  type IncomingChannel,
} from '../protocol/port-protocol.ts';

/** Opens and accepts MessagePort channels for the node of this thread. */
export class PortConnector {
  readonly #pending = new Map<
    number,
    { resolve(port: MessagePort): void; reject(error: Error): void }
  >();
  readonly #queued: MessagePort[] = [];
  #nextId = 1;
  #onIncoming: ((port: MessagePort) => void) | undefined;

  constructor() {
    if (parentPort === null) {
      throw new LaunchpadError('INTERNAL', 'A port connector only works in a worker thread.');
    }
    parentPort.on('message', (message: unknown) => {
      if (isPortMessage(message, 'incoming')) {
        const { port } = message as IncomingChannel;
        if (this.#onIncoming === undefined) this.#queued.push(port);
        else this.#onIncoming(port);
        return;
      }
      const reply = message as ConnectReply;
      const pending = this.#pending.get(reply.id);
      if (pending === undefined || !('lp' in reply)) return;
      this.#pending.delete(reply.id);
      if (reply.lp === 'connected') pending.resolve(reply.port);
      else pending.reject(fromRemoteErrorInfo(reply.error));
    });
    // The channel to the main thread must not keep a finished node's thread alive.
    parentPort.unref();
  }

  /** A channel to node `nodeId`, once it is up (within `timeoutMs`). */
  connect(nodeId: string, timeoutMs: number): Promise<MessagePort> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      const request: ConnectRequest = { lp: 'connect', id, to: nodeId, timeoutMs };
      parentPort?.postMessage(request);
    });
  }

  /** Hands every channel opened to this node (also those that came before) to `handler`. */
  accept(handler: (port: MessagePort) => void): void {
    this.#onIncoming = handler;
    for (const port of this.#queued.splice(0)) handler(port);
  }
}

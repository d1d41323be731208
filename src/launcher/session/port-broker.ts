/**
 * @module
 * The launcher's side of direct channels between node threads: when a node thread asks
 * for a channel to another node, the broker waits for that node to be up, creates a
 * `MessageChannel`, and hands one end to each thread.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { LaunchpadError } from '../../errors/errors.ts';
import type { AddressBook } from './address-book.ts';
import { toRemoteErrorInfo } from '../../rpc/wire-error.ts';
import {
  isPortMessage,
  type ConnectReply,
  type ConnectRequest,
  type IncomingChannel,
} from '../../protocol/port-protocol.ts';

/** Connects node threads to each other. */
export class PortBroker {
  readonly #book: AddressBook;
  readonly #workers = new Map<string, Worker>();

  /** @param book - where the broker learns that a node is up */
  constructor(book: AddressBook) {
    this.#book = book;
  }

  /** Serves the connection requests of `nodeId`'s thread (a new one after each restart). */
  attach(nodeId: string, worker: Worker): void {
    this.#workers.set(nodeId, worker);
    worker.on('message', (message: unknown) => {
      if (isPortMessage(message, 'connect')) void this.#connect(worker, message as ConnectRequest);
    });
  }

  async #connect(from: Worker, request: ConnectRequest): Promise<void> {
    let reply: ConnectReply;
    try {
      // Resolving waits until the node is up (wait-for-ready), as a TCP client would.
      await this.#book.resolve(request.to, request.timeoutMs);
      const target = this.#workers.get(request.to);
      if (target === undefined) {
        throw new LaunchpadError(
          'UNAVAILABLE',
          `Node ${request.to} runs in no thread of this launch.`,
        );
      }
      const { port1, port2 } = new MessageChannel();
      const incoming: IncomingChannel = { lp: 'incoming', port: port1 };
      target.postMessage(incoming, [port1]);
      reply = { lp: 'connected', id: request.id, port: port2 };
      from.postMessage(reply, [port2]);
    } catch (error) {
      reply = { lp: 'connect-failed', id: request.id, error: toRemoteErrorInfo(error, 'launcher') };
      from.postMessage(reply);
    }
  }
}

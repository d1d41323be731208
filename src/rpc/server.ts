/**
 * @module
 * The RPC server a service node runs: TCP on a port the OS picks, one secret per launch,
 * any number of calls in flight per connection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { LaunchpadError } from '../errors.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from './codec.ts';
import { Connection } from './connection.ts';
import { FrameType, HELLO_TIMEOUT_MS, type CallFrame, type Frame } from './protocol.ts';
import { toRemoteErrorInfo } from './wire-error.ts';

/** Answers one call: returns the result (or a promise of it), or throws. */
export type Dispatch = (method: string, args: unknown[]) => unknown;

/** How to start an {@link RpcServer}. */
export interface RpcServerOptions {
  /** The per-launch secret every connection must present in its HELLO. */
  readonly secret: string;
  /** The id of the node this server belongs to; it is attached to every error. */
  readonly nodeId: string;
  /** Runs the calls. */
  readonly dispatch: Dispatch;
  /** The interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** The largest message accepted or sent, in bytes. @default 1 GiB */
  readonly maxMessageBytes?: number;
}

/** A listening RPC server. Create it with {@link RpcServer.listen}. */
export class RpcServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #options: RpcServerOptions;
  readonly #secret: Buffer;
  #address = '';

  private constructor(options: RpcServerOptions) {
    this.#options = options;
    this.#secret = Buffer.from(options.secret);
    this.#server = createServer((socket) => {
      this.#accept(socket);
    });
  }

  /** Starts a server on an OS-assigned port (port 0, so there is no race for ports). */
  static async listen(options: RpcServerOptions): Promise<RpcServer> {
    const server = new RpcServer(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(0, host, () => {
        server.#server.off('error', reject);
        resolve();
      });
    });
    const address = server.#server.address();
    if (address === null || typeof address === 'string') {
      throw new LaunchpadError('INTERNAL', 'The RPC server has no TCP address.');
    }
    server.#address = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    return server;
  }

  /** `host:port` where the server listens. */
  get address(): string {
    return this.#address;
  }

  /** Stops listening and drops every connection; calls in flight get no answer. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const maxBytes = this.#options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    let authenticated = false;
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    const connection: Connection = new Connection(socket, maxBytes, {
      onFrame: (frame: Frame) => {
        if (authenticated) {
          if (frame[0] === FrameType.call) this.#call(connection, frame);
          return;
        }
        clearTimeout(helloTimer);
        if (frame[0] === FrameType.hello && this.#secretMatches(frame[1])) {
          authenticated = true;
          connection.send([FrameType.welcome, this.#options.nodeId]);
          return;
        }
        connection.send([
          FrameType.refused,
          `Connection to node ${this.#options.nodeId} refused: it did not present this launch's secret.`,
        ]);
        socket.end();
      },
      onClose: () => {
        clearTimeout(helloTimer);
        this.#sockets.delete(socket);
      },
    });
  }

  #secretMatches(presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const bytes = Buffer.from(presented);
    return bytes.length === this.#secret.length && timingSafeEqual(bytes, this.#secret);
  }

  #call(connection: Connection, frame: CallFrame): void {
    const [, id, method, args] = frame;
    const reply = (value: unknown): void => {
      try {
        connection.send([FrameType.result, id, value]);
      } catch (error) {
        // The result could not be encoded (too large, unsupported): answer with the reason.
        this.#fail(connection, id, error);
      }
    };
    let result: unknown;
    try {
      result = this.#options.dispatch(method, args);
    } catch (error) {
      this.#fail(connection, id, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(reply, (error: unknown) => {
        this.#fail(connection, id, error);
      });
    } else {
      reply(result);
    }
  }

  #fail(connection: Connection, id: number, error: unknown): void {
    connection.send([FrameType.error, id, toRemoteErrorInfo(error, this.#options.nodeId)]);
  }
}

/**
 * @module
 * A framed, bidirectional message channel over one TCP socket. Both the RPC server and
 * the RPC client speak through it.
 */
import type { Socket } from 'node:net';
import { decode, encodeFrame } from './codec.ts';
import { FrameReader } from './frame-reader.ts';
import type { Frame } from './protocol.ts';

/** What a {@link Connection} reports to its owner. */
export interface ConnectionEvents {
  /** A complete, decoded frame arrived. */
  onFrame(frame: Frame): void;
  /** The socket closed, for whatever reason; called exactly once. */
  onClose(error: Error | undefined): void;
}

/** Frames in, frames out, over one socket. */
export class Connection {
  readonly #socket: Socket;
  readonly #maxBytes: number;
  #closed = false;

  /**
   * @param socket - a connected socket; the connection takes ownership of it
   * @param maxBytes - the maximum size of one message in either direction
   * @param events - where frames and the close are reported
   */
  constructor(socket: Socket, maxBytes: number, events: ConnectionEvents) {
    this.#socket = socket;
    this.#maxBytes = maxBytes;
    socket.setNoDelay(true);
    const reader = new FrameReader((body) => {
      events.onFrame(decode(body) as Frame);
    }, maxBytes);
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        // A frame we cannot read leaves the stream out of sync: drop the connection.
        failure = error instanceof Error ? error : new Error(String(error));
        socket.destroy();
      }
    });
    socket.on('error', (error) => {
      failure ??= error;
    });
    socket.on('close', () => {
      this.#closed = true;
      events.onClose(failure);
    });
  }

  /** True once the socket has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one frame. Throws (and sends nothing) when the frame is too large, so the
   * caller can answer that one call with an error and keep the connection.
   */
  send(frame: Frame): void {
    if (this.#closed) return;
    const [header, body] = encodeFrame(frame, this.#maxBytes);
    this.#socket.cork();
    this.#socket.write(header);
    this.#socket.write(body);
    this.#socket.uncork();
  }

  /** Closes the socket at once; pending writes are dropped. */
  close(): void {
    this.#socket.destroy();
  }
}

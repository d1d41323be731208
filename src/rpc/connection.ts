/**
 * @module
 * A framed, bidirectional message channel over one TCP socket. Both the RPC server and
 * the RPC client speak through it.
 */
import type { Socket } from 'node:net';
import { decode, encodeFrame } from './codec.ts';
import { FrameReader } from './frame-reader.ts';
import { peekFrameHead, type Frame } from './protocol.ts';

/** What a {@link Connection} reports to its owner. */
export interface ConnectionEvents {
  /** A complete, decoded frame arrived. */
  onFrame(frame: Frame): void;
  /**
   * A frame over the size limit arrived and was skipped; `type` and `id` are read from its
   * first bytes (undefined when they could not be). The connection stays open.
   */
  readonly onOversize?: (size: number, type: number | undefined, id: number | undefined) => void;
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
    const onOversize = events.onOversize;
    const reader = new FrameReader(
      {
        onFrame: (body) => {
          events.onFrame(decode(body) as Frame);
        },
        onOversize:
          onOversize === undefined
            ? undefined
            : (head, size) => {
                const peeked = peekFrameHead(head);
                onOversize(size, peeked?.type, peeked?.id);
              },
      },
      maxBytes,
    );
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
   *
   * The frame is written at once, never held back for a later tick: a process may exit
   * right after a fire-and-forget call, and that frame must already be in the kernel.
   * Frames written while the socket is still busy with an earlier write are queued by
   * Node and leave together in one `writev`, so load batches itself.
   */
  send(frame: Frame): void {
    if (this.#closed) return;
    const encoded = encodeFrame(frame, this.#maxBytes);
    const socket = this.#socket;
    if (Array.isArray(encoded)) {
      // Prefix and body of a large frame: one writev, and the body is never copied.
      socket.cork();
      socket.write(encoded[0]);
      socket.write(encoded[1]);
      socket.uncork();
    } else {
      socket.write(encoded);
    }
  }

  /** Closes the socket at once; pending writes are dropped. */
  close(): void {
    this.#socket.destroy();
  }
}

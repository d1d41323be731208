/**
 * @module
 * A framed, bidirectional message channel over one TCP socket. Both the RPC server and
 * the RPC client speak through it.
 */
import type { Socket } from 'node:net';
import { decodeFrameBody, encodeSocketFrame } from './codec.ts';
import { directReads } from './direct-read.ts';
import { FrameReader } from './frame-reader.ts';
import { receivePool } from './receive-pool.ts';
import { REUSE_FROM_BYTES, SendBuffer } from './send-buffer.ts';
import { peekFrameHead, type Frame } from './protocol.ts';
import { thrownAsError } from '../errors/thrown.ts';

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

// Connections holding corked frames, flushed if the process exits before the microtask.
const corked = new Set<Connection>();
process.once('exit', () => {
  for (const connection of corked) connection.flush();
});

/** Frames in, frames out, over one socket. */
export class Connection {
  readonly #socket: Socket;
  readonly #maxBytes: number;
  readonly #reader: FrameReader;
  #closed = false;
  // Where frames with large typed arrays are copied before they are written.
  readonly #sendBuffer = new SendBuffer();
  #lastReceivedBytes = 0;
  // While set, frame bodies go here undecoded (see receiveRaw).
  #raw: ((body: Buffer) => void) | undefined;
  #lastSentBytes = 0;
  // True from a send until the microtask after it: later sends of the same run are corked.
  #inRun = false;
  #corked = false;
  readonly #endRun = (): void => {
    this.#inRun = false;
    if (!this.#corked) return;
    this.#corked = false;
    corked.delete(this);
    this.#socket.uncork();
  };

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
    const reader = (this.#reader = new FrameReader(
      {
        onFrame: (body) => {
          this.#lastReceivedBytes = body.length;
          const raw = this.#raw;
          if (raw !== undefined) {
            raw(body);
            return;
          }
          events.onFrame(decodeFrameBody(body) as Frame);
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
      // Large bodies land in memory already touched; small ones as before.
      (size) => receivePool.acquire(size),
    ));
    let failure: Error | undefined;
    // A frame we cannot read leaves the stream out of sync: drop the connection.
    const reading = (read: () => void): void => {
      try {
        read();
      } catch (error) {
        failure = thrownAsError(error);
        socket.destroy();
      }
    };
    const direct = directReads.get(socket);
    if (direct === undefined) {
      socket.on('data', (chunk: Buffer) => {
        reading(() => {
          reader.push(chunk);
        });
      });
    } else {
      // A socket we connected reads large bodies straight into their buffer.
      direct.attach({
        target: () => reader.readTarget(),
        filled: (bytes) => {
          reading(() => {
            reader.filled(bytes);
          });
        },
        chunk: (chunk) => {
          reading(() => {
            reader.push(chunk);
          });
        },
      });
    }
    socket.on('error', (error) => {
      failure ??= error;
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#corked = false;
      corked.delete(this);
      this.#sendBuffer.release();
      events.onClose(failure);
    });
  }

  /** True once the socket has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Body size of the frame being (or last) delivered. */
  get lastReceivedBytes(): number {
    return this.#lastReceivedBytes;
  }

  /** Body size of the frame last sent. */
  get lastSentBytes(): number {
    return this.#lastSentBytes;
  }

  /**
   * Sends one frame. Throws (and sends nothing) when the frame is too large, so the
   * caller can answer that one call with an error and keep the connection.
   *
   * The first frame of a synchronous run is written at once, so a lone call pays
   * nothing; the frames that follow it in the same run are corked and leave together in
   * one `writev` when a microtask uncorks the socket, so 64 answers to 64 calls read from
   * one chunk cost two system calls instead of 64 (profiling showed the writes
   * dominating). A microtask, not a tick, so the frames are out before code awaiting
   * after the send resumes; a process that exits synchronously right after sending is
   * covered by the exit hook below.
   */
  send(frame: Frame): void {
    if (this.#closed) return;
    const encoded = encodeSocketFrame(frame, this.#maxBytes, this.#sendBuffer.allocate);
    const socket = this.#socket;
    if (!this.#inRun) {
      this.#inRun = true;
      queueMicrotask(this.#endRun);
    } else if (!this.#corked) {
      this.#corked = true;
      corked.add(this);
      socket.cork();
    }
    if ('parts' in encoded) {
      // Written from the memory handed over, which goes back once the socket is done.
      const { parts, sent } = encoded;
      socket.cork();
      parts.forEach((part, index) => {
        if (index < parts.length - 1) socket.write(part);
        else socket.write(part, sent);
      });
      socket.uncork();
      this.#lastSentBytes = parts.reduce((sum, part) => sum + part.length, 0) - 4;
    } else if (Array.isArray(encoded)) {
      // Prefix and body of a large frame: the body is never copied again.
      socket.write(encoded[0]);
      socket.write(encoded[1]);
      this.#lastSentBytes = encoded[1].length;
    } else if (encoded.length >= REUSE_FROM_BYTES) {
      socket.write(encoded, () => {
        this.#sendBuffer.returned(encoded);
      });
      this.#lastSentBytes = encoded.length - 4;
    } else {
      socket.write(encoded);
      // The body's size, as the receiver counts it: without the 4-byte length prefix.
      this.#lastSentBytes = encoded.length - 4;
    }
  }

  /** Writes out frames still held by the cork, at once. */
  flush(): void {
    this.#endRun();
  }

  /**
   * Hands the frame bodies that arrive from now on to `handler` as they are, without
   * decoding them, until it is called with `undefined`: a server reads a stranger's
   * first frame with a decoder of the HELLO's shape alone.
   */
  receiveRaw(handler: ((body: Buffer) => void) | undefined): void {
    this.#raw = handler;
  }

  /**
   * Limits the next frame read to `maxBytes`; a larger one drops the connection before
   * its body is read (see {@link FrameReader.limitNextFrame}).
   */
  limitNextFrame(maxBytes: number): void {
    this.#reader.limitNextFrame(maxBytes);
  }

  /**
   * Reads nothing more, sends what was already sent, and closes the socket: at once if the
   * other side closes too, and by force after `graceMs` otherwise, so a peer that keeps
   * its side open cannot hold the socket.
   */
  closeAfterFlush(graceMs: number): void {
    this.#reader.stop();
    this.#socket.pause();
    this.#socket.end();
    const force = setTimeout(() => this.#socket.destroy(), graceMs);
    force.unref();
    this.#socket.once('close', () => {
      clearTimeout(force);
    });
  }

  /** Closes the socket at once; pending writes are dropped. */
  close(): void {
    this.#reader.stop();
    this.#socket.destroy();
  }
}

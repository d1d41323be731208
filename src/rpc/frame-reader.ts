/**
 * @module
 * Splits a byte stream into length-prefixed frames. A frame that lies inside one chunk
 * (the common case for small calls) is handed out as a view, without copying; a frame
 * spread over chunks is copied once, straight into a buffer of its final size. A frame
 * larger than the limit is skipped byte by byte, never buffered, so an oversize message
 * costs neither memory nor the connection.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { FRAME_HEAD_BYTES } from './protocol.ts';

/** Where a {@link FrameReader} delivers what it reads. */
export interface FrameSink {
  /** Called once per complete frame body, in order. */
  onFrame(body: Buffer): void;
  /**
   * Called for a frame larger than the limit, with its first bytes (enough to find the
   * call it belongs to) and its announced size; the rest of it is skipped. Without this
   * handler an oversize frame is a protocol error.
   */
  readonly onOversize?: ((head: Buffer, size: number) => void) | undefined;
}

/** Accumulates socket chunks and hands out complete frame bodies. */
export class FrameReader {
  readonly #sink: FrameSink;
  readonly #maxBytes: number;
  readonly #allocate: (size: number) => Buffer;
  // A length prefix split across chunks.
  readonly #header = Buffer.alloc(4);
  #headerFilled = 0;
  // The body being filled, when a frame spans chunks.
  #body: Buffer | undefined;
  #bodyFilled = 0;
  // An oversize frame: its head being collected, then the bytes still to skip.
  #oversizeHead: Buffer | undefined;
  #oversizeHeadFilled = 0;
  #oversizeSize = 0;
  #skip = 0;
  // A tighter limit for the next frame only (a HELLO, before the secret is checked).
  #nextFrameLimit: number | undefined;
  #stopped = false;

  /**
   * @param sink - where frames (and oversize frames) go
   * @param maxBytes - the largest frame body accepted
   * @param allocate - where a body spread over chunks is gathered (a receive pool's loan)
   */
  constructor(
    sink: FrameSink,
    maxBytes: number,
    allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ) {
    this.#sink = sink;
    this.#maxBytes = maxBytes;
    this.#allocate = allocate;
  }

  /**
   * Limits the next frame to `maxBytes`: a larger one is a protocol error (thrown by
   * {@link FrameReader.push}), never skipped nor buffered. A server reads a connection's
   * first frame, its HELLO, under this limit, so a client that has not yet shown the
   * secret cannot make it hold more than a HELLO's worth of memory.
   */
  limitNextFrame(maxBytes: number): void {
    this.#nextFrameLimit = maxBytes;
  }

  /**
   * Reads nothing more: frames still inside the chunk being read are dropped, and a
   * partly filled body is released.
   */
  stop(): void {
    this.#stopped = true;
    this.#body = undefined;
  }

  /**
   * Adds a chunk and emits every frame it completes.
   *
   * @throws LaunchpadError `RESOURCE_EXHAUSTED` for an oversize frame when the sink has no
   * `onOversize`
   */
  push(chunk: Buffer): void {
    const length = chunk.length;
    let offset = 0;
    while (offset < length && !this.#stopped) {
      if (this.#body !== undefined) {
        offset = this.#fillBody(this.#body, chunk, offset);
      } else if (this.#oversizeHead !== undefined || this.#skip > 0) {
        offset = this.#skipOversize(chunk, offset);
      } else if (this.#headerFilled === 0 && length - offset >= 4) {
        const size = chunk.readUInt32BE(offset);
        offset = this.#begin(size, chunk, offset + 4);
      } else {
        const take = Math.min(4 - this.#headerFilled, length - offset);
        chunk.copy(this.#header, this.#headerFilled, offset, offset + take);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled === 4) {
          this.#headerFilled = 0;
          offset = this.#begin(this.#header.readUInt32BE(0), chunk, offset);
        }
      }
    }
  }

  /**
   * Where the next bytes of the stream may be read straight into: the rest of the body
   * being gathered; undefined between frames (read a chunk and {@link FrameReader.push}
   * it). Report what was read there with {@link FrameReader.filled}.
   */
  readTarget(): Buffer | undefined {
    const body = this.#body;
    if (body === undefined || this.#stopped) return undefined;
    return body.subarray(this.#bodyFilled);
  }

  /** `bytes` of the body were read into {@link FrameReader.readTarget}'s memory. */
  filled(bytes: number): void {
    const body = this.#body;
    if (body === undefined || this.#stopped) return;
    this.#bodyFilled += bytes;
    if (this.#bodyFilled >= body.length) {
      this.#body = undefined;
      this.#sink.onFrame(body);
    }
  }

  // At a frame boundary with the size known: emit a view if the whole body is here.
  #begin(size: number, chunk: Buffer, offset: number): number {
    const limit = this.#nextFrameLimit;
    if (limit !== undefined) {
      if (size > limit) {
        throw new LaunchpadError(
          'RESOURCE_EXHAUSTED',
          `The first frame announces ${size} bytes, more than the ${limit} a HELLO may have.`,
        );
      }
      this.#nextFrameLimit = undefined;
    }
    if (size > this.#maxBytes) {
      if (this.#sink.onOversize === undefined) {
        throw new LaunchpadError(
          'RESOURCE_EXHAUSTED',
          `Received a ${size}-byte frame, more than the maximum of ${this.#maxBytes} bytes.`,
        );
      }
      this.#oversizeSize = size;
      this.#oversizeHead = Buffer.allocUnsafe(Math.min(FRAME_HEAD_BYTES, size));
      this.#oversizeHeadFilled = 0;
      this.#skip = size;
      return offset;
    }
    if (chunk.length - offset >= size) {
      this.#sink.onFrame(chunk.subarray(offset, offset + size));
      return offset + size;
    }
    this.#body = this.#allocate(size);
    this.#bodyFilled = 0;
    return offset;
  }

  #fillBody(body: Buffer, chunk: Buffer, offset: number): number {
    const take = Math.min(body.length - this.#bodyFilled, chunk.length - offset);
    chunk.copy(body, this.#bodyFilled, offset, offset + take);
    this.#bodyFilled += take;
    if (this.#bodyFilled === body.length) {
      this.#body = undefined;
      this.#sink.onFrame(body);
    }
    return offset + take;
  }

  #skipOversize(chunk: Buffer, offset: number): number {
    const take = Math.min(this.#skip, chunk.length - offset);
    const head = this.#oversizeHead;
    if (head !== undefined) {
      const headTake = Math.min(head.length - this.#oversizeHeadFilled, take);
      chunk.copy(head, this.#oversizeHeadFilled, offset, offset + headTake);
      this.#oversizeHeadFilled += headTake;
      if (this.#oversizeHeadFilled === head.length) {
        this.#oversizeHead = undefined;
        this.#sink.onOversize?.(head, this.#oversizeSize);
      }
    }
    this.#skip -= take;
    return offset + take;
  }
}

/**
 * @module
 * Large frames between threads in memory already touched. A frame is encoded into a
 * buffer that the MessagePort moves to the receiver, which decodes its arrays as views of
 * it. For a frame of {@link PORT_BLOCK_FROM_BYTES} or more, a receiver that calls `lp.recycle`
 * on one of those arrays moves the buffer back to the sending side (the receiver's views
 * become empty, never overwritten), which keeps it and encodes a later large frame into
 * it instead of fresh memory that costs page faults. A buffer never recycled stays the
 * receiver's, collected as usual.
 *
 * A connection's sending side keeps at most {@link MAX_PORT_BLOCKS} buffers and
 * {@link MAX_PORT_BLOCK_BYTES} bytes given back; more are left to the collector. They go
 * with the connection.
 */
import { takeBestFit, blockBytes } from './receive-pool.ts';

/**
 * Frames from this size on go in buffers given back, when there are some. Lower than over
 * TCP: between threads, giving back 1 MiB frames made the echo faster (no socket chunks).
 */
export const PORT_BLOCK_FROM_BYTES = 256 * 1024;

/** The most buffers given back that one connection's sending side keeps. */
export const MAX_PORT_BLOCKS = 4;
/** The most bytes of buffers given back that one connection's sending side keeps. */
export const MAX_PORT_BLOCK_BYTES = 256 * 1024 * 1024;

/** The message that moves a recycled buffer back to the side that sent it. */
export interface ReturnedBlock {
  readonly returned: ArrayBuffer;
}

/** True for a {@link ReturnedBlock} message. */
export function isReturnedBlock(message: unknown): message is ReturnedBlock {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as Partial<ReturnedBlock>).returned instanceof ArrayBuffer
  );
}

/** What one connection's buffers did so far: for tests and benchmarks. */
export interface PortBlockCounts {
  /** Large frames encoded into a buffer given back before. */
  readonly reused: number;
  /** Large frames encoded into fresh memory. */
  readonly allocated: number;
  /** Buffers the receiver gave back, kept. */
  readonly returned: number;
}

/** The buffers one connection's sending side got back. */
export class PortBlocks {
  readonly #free: ArrayBuffer[] = [];
  #freeBytes = 0;
  #reused = 0;
  #allocated = 0;
  #returned = 0;

  /** Memory for a frame body of `size` bytes, to be moved to the receiver. */
  take(size: number): ArrayBuffer {
    if (size < PORT_BLOCK_FROM_BYTES) return new ArrayBuffer(size);
    const block = takeBestFit(this.#free, size);
    if (block !== undefined) {
      this.#freeBytes -= block.byteLength;
      this.#reused++;
      return block;
    }
    this.#allocated++;
    return new ArrayBuffer(blockBytes(size));
  }

  /** The receiver moved `block` back: it may take a later frame. */
  returned(block: ArrayBuffer): void {
    if (
      this.#free.length >= MAX_PORT_BLOCKS ||
      this.#freeBytes + block.byteLength > MAX_PORT_BLOCK_BYTES
    ) {
      return;
    }
    this.#free.push(block);
    this.#freeBytes += block.byteLength;
    this.#returned++;
  }

  /** The counts so far. */
  counts(): PortBlockCounts {
    return { reused: this.#reused, allocated: this.#allocated, returned: this.#returned };
  }
}

/**
 * @module
 * Large frames between threads in memory already touched. Without it, a frame is encoded
 * into a fresh buffer that the MessagePort moves to the receiver: for tens of MiB the
 * sender pays a page fault per 4 KiB page, every message. With it, a frame of
 * {@link POOL_FROM_BYTES} or more is encoded into a block (a SharedArrayBuffer) that the
 * sending side of one connection keeps, and the block is lent to the receiving thread:
 * the receiver decodes its arrays as views of the block, and once none of them is
 * reachable any more (or `lp.recycle` is called with one), it tells the sender, which may
 * then write a later frame into it. A block is never written while lent.
 *
 * A connection holds at most {@link MAX_PORT_BLOCKS} blocks and {@link MAX_PORT_BLOCK_BYTES}
 * bytes; a frame that finds none free is sent in a fresh buffer as before. The blocks go
 * with the connection.
 */
import { POOL_FROM_BYTES } from './receive-pool.ts';

/** The most blocks one connection's sending side holds. */
export const MAX_PORT_BLOCKS = 4;
/** The most bytes of blocks one connection's sending side holds. */
export const MAX_PORT_BLOCK_BYTES = 256 * 1024 * 1024;

// Block sizes are rounded up to this, so frames of nearly one size share blocks.
const BLOCK_GRAIN = 64 * 1024;

/** The message that lends a block: a frame body of `bytes` bytes at its start. */
export interface LentBlock {
  readonly lent: SharedArrayBuffer;
  readonly id: number;
  readonly bytes: number;
}

/** The message that gives a lent block back to the side that sent it. */
export interface ReturnedBlock {
  readonly returned: number;
}

/** True for a {@link LentBlock} message. */
export function isLentBlock(message: unknown): message is LentBlock {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as Partial<LentBlock>).lent instanceof SharedArrayBuffer
  );
}

/** True for a {@link ReturnedBlock} message. */
export function isReturnedBlock(message: unknown): message is ReturnedBlock {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as Partial<ReturnedBlock>).returned === 'number'
  );
}

/** What one connection's blocks did so far: for tests and benchmarks. */
export interface PortBlockCounts {
  /** Frames written into a block made for them. */
  readonly created: number;
  /** Frames written into a block given back before. */
  readonly reused: number;
  /** Blocks the receiver gave back. */
  readonly returned: number;
}

interface Block {
  readonly id: number;
  readonly memory: SharedArrayBuffer;
  lent: boolean;
}

/** The blocks of one connection's sending side. */
export class PortBlocks {
  readonly #blocks: Block[] = [];
  #heldBytes = 0;
  #nextId = 1;
  #created = 0;
  #reused = 0;
  #returned = 0;

  /**
   * A free block of at least `size` bytes, marked lent; undefined when `size` is small or
   * no block is free and the connection holds as many as it may.
   */
  take(size: number): { readonly id: number; readonly memory: SharedArrayBuffer } | undefined {
    if (size < POOL_FROM_BYTES) return undefined;
    let found: Block | undefined;
    for (const block of this.#blocks) {
      const bytes = block.memory.byteLength;
      if (block.lent || bytes < size || bytes > 2 * size) continue;
      if (found === undefined || bytes < found.memory.byteLength) found = block;
    }
    if (found !== undefined) {
      this.#reused++;
    } else {
      const capacity = Math.ceil(size / BLOCK_GRAIN) * BLOCK_GRAIN;
      this.#dropFreeBlocksFor(capacity);
      if (
        this.#blocks.length >= MAX_PORT_BLOCKS ||
        this.#heldBytes + capacity > MAX_PORT_BLOCK_BYTES
      ) {
        return undefined;
      }
      found = { id: this.#nextId++, memory: new SharedArrayBuffer(capacity), lent: false };
      this.#blocks.push(found);
      this.#heldBytes += capacity;
      this.#created++;
    }
    found.lent = true;
    return found;
  }

  /** The receiver gave block `id` back: it may take a later frame. */
  returned(id: number): void {
    const block = this.#blocks.find((candidate) => candidate.id === id);
    if (!block?.lent) return;
    block.lent = false;
    this.#returned++;
  }

  /** The counts so far. */
  counts(): PortBlockCounts {
    return { created: this.#created, reused: this.#reused, returned: this.#returned };
  }

  // Frees room for a block of `capacity` by dropping free blocks of other sizes.
  #dropFreeBlocksFor(capacity: number): void {
    for (let index = this.#blocks.length - 1; index >= 0; index--) {
      if (
        this.#blocks.length < MAX_PORT_BLOCKS &&
        this.#heldBytes + capacity <= MAX_PORT_BLOCK_BYTES
      ) {
        return;
      }
      const block = this.#blocks[index];
      if (block === undefined || block.lent) continue;
      this.#blocks.splice(index, 1);
      this.#heldBytes -= block.memory.byteLength;
    }
  }
}

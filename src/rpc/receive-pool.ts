/**
 * @module
 * Memory already touched for large frames read from a socket. A fresh buffer of tens of
 * MiB costs a page fault per 4 KiB page as the socket's bytes are copied in (on a virtual
 * machine several times the copy itself); a buffer the process used before costs the copy
 * alone. So a frame of {@link POOL_FROM_BYTES} or more is read into a block of this pool,
 * and the arrays decoded from it are views of that block.
 *
 * A block is lent to one frame at a time and comes back only when nothing can reach it:
 * each loan is a `SharedArrayBuffer` object of its own over the block's memory (a clone,
 * which shares the memory), and the pool keeps no reference to that object. Every view
 * the receiver gets, and every view it makes from their `.buffer`, holds the loan alive;
 * once all of them are collected, a `FinalizationRegistry` gives the block back. A
 * receiver that is done earlier says so with {@link recycle}. A view still held therefore
 * never sees its bytes overwritten by a later message.
 *
 * The pool holds at most {@link DEFAULT_POOL_BYTES} of blocks, lent and free together, and
 * at most {@link MAX_POOL_BLOCKS} blocks, per process (per thread under `threads`); a frame that finds no free block once the pool is
 * full is read into a fresh buffer of its own, as before. Free blocks that sit unused for
 * {@link RELEASE_IDLE_AFTER_MS} are released to the allocator.
 */

/** Frames smaller than this are read into ordinary buffers (Node's allocator serves them well). */
export const POOL_FROM_BYTES = 256 * 1024;
/** The most memory the pool's blocks take, lent and free together, per process. */
export const DEFAULT_POOL_BYTES = 256 * 1024 * 1024;
/**
 * The most blocks the pool holds. A new block costs more than a fresh buffer (its memory
 * is zeroed and faulted in once) and pays back only when it is reused, so a receiver that
 * never gives memory back early (and waits for collection) is not made to grow one block
 * per message.
 */
export const MAX_POOL_BLOCKS = 8;
/** How long a free block stays in the pool unused before it is released. */
export const RELEASE_IDLE_AFTER_MS = 10_000;

// Block sizes are rounded up to this, so frames of nearly one size share blocks.
const BLOCK_GRAIN = 64 * 1024;

interface Block {
  readonly memory: SharedArrayBuffer;
  lent: boolean;
}

interface Loan {
  // Called once, when the loan is collected or recycled.
  readonly giveBack: () => void;
  // Given to the registry to unregister an explicitly recycled loan.
  readonly token: object;
}

// Every loan of this process (or thread), by the SharedArrayBuffer object its views are on:
// the receive pool's, and blocks a peer thread lent over a MessagePort.
const loans = new WeakMap<SharedArrayBuffer, Loan>();
const collected = new FinalizationRegistry<() => void>((giveBack) => {
  giveBack();
});

/**
 * Hands out `memory` (a SharedArrayBuffer object of its own, that nothing else refers to)
 * as a loan: `giveBack` is called once, when no view of it is reachable any more or when
 * {@link recycle} is called with one of its views.
 */
export function lend(memory: SharedArrayBuffer, giveBack: () => void): void {
  const token = {};
  loans.set(memory, { giveBack, token });
  collected.register(memory, giveBack, token);
}

/**
 * Gives back the loan `view` lies on, at once. False when `view` is not on a loan (or its
 * loan was given back already).
 */
function recycleLoan(view: ArrayBufferView): boolean {
  const buffer = view.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) return false;
  const loan = loans.get(buffer);
  if (loan === undefined) return false;
  loans.delete(buffer);
  collected.unregister(loan.token);
  loan.giveBack();
  return true;
}

/** What the pool did so far: for tests and benchmarks. */
export interface ReceivePoolCounts {
  /** Frames read into a free block of the pool. */
  readonly reused: number;
  /** Frames that made the pool grow by a block. */
  readonly grown: number;
  /** Frames read into a fresh buffer because the pool was full. */
  readonly fresh: number;
  /** Blocks given back: when their views were collected, or by {@link recycle}. */
  readonly returned: number;
  /** Bytes of blocks held, lent and free. */
  readonly heldBytes: number;
}

/**
 * A pool of receive blocks with a bound on their total size and count. A block is lent by
 * {@link ReceivePool.acquire} and comes back when its loan is collected or recycled.
 */
export class ReceivePool {
  readonly #maxBytes: number;
  readonly #blocks: Block[] = [];
  #heldBytes = 0;
  #reused = 0;
  #grown = 0;
  #fresh = 0;
  #returned = 0;
  #idleTimer: NodeJS.Timeout | undefined;

  /** @param maxBytes - the most memory the blocks take, lent and free together */
  constructor(maxBytes: number = DEFAULT_POOL_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /**
   * A buffer of `size` bytes for one frame's body: a loan of a free block when one fits,
   * else a new block while the pool has room, else a fresh buffer outside the pool.
   */
  acquire(size: number): Buffer {
    if (size < POOL_FROM_BYTES) return Buffer.allocUnsafe(size);
    const capacity = Math.ceil(size / BLOCK_GRAIN) * BLOCK_GRAIN;
    let block = this.#freeBlock(size);
    if (block !== undefined) {
      this.#reused++;
    } else {
      this.#releaseFreeBlocksFor(capacity);
      if (this.#heldBytes + capacity > this.#maxBytes || this.#blocks.length >= MAX_POOL_BLOCKS) {
        this.#fresh++;
        return Buffer.allocUnsafeSlow(size);
      }
      block = { memory: new SharedArrayBuffer(capacity), lent: false };
      this.#blocks.push(block);
      this.#heldBytes += capacity;
      this.#grown++;
    }
    block.lent = true;
    // A SharedArrayBuffer object of its own over the block's memory: the pool keeps none.
    const loan = structuredClone(block.memory);
    const lent = block;
    lend(loan, () => {
      this.#giveBack(lent);
    });
    return Buffer.from(loan, 0, size);
  }

  /** The counts so far. */
  counts(): ReceivePoolCounts {
    return {
      reused: this.#reused,
      grown: this.#grown,
      fresh: this.#fresh,
      returned: this.#returned,
      heldBytes: this.#heldBytes,
    };
  }

  // The smallest free block that holds `size` bytes without wasting more than half of it.
  #freeBlock(size: number): Block | undefined {
    let best: Block | undefined;
    for (const block of this.#blocks) {
      const bytes = block.memory.byteLength;
      if (block.lent || bytes < size || bytes > 2 * size) continue;
      if (best === undefined || bytes < best.memory.byteLength) best = block;
    }
    return best;
  }

  // Drops free blocks (which fit no frame of this size) until `capacity` more fits.
  #releaseFreeBlocksFor(capacity: number): void {
    for (let index = this.#blocks.length - 1; index >= 0; index--) {
      if (this.#heldBytes + capacity <= this.#maxBytes) return;
      const block = this.#blocks[index];
      if (block === undefined || block.lent) continue;
      this.#blocks.splice(index, 1);
      this.#heldBytes -= block.memory.byteLength;
    }
  }

  #giveBack(block: Block): void {
    if (!block.lent) return;
    block.lent = false;
    this.#returned++;
    if (!this.#blocks.includes(block)) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#releaseIdle();
    }, RELEASE_IDLE_AFTER_MS);
    this.#idleTimer.unref();
  }

  // Nothing was given back for a while: free blocks go back to the allocator.
  #releaseIdle(): void {
    for (let index = this.#blocks.length - 1; index >= 0; index--) {
      const block = this.#blocks[index];
      if (block === undefined || block.lent) continue;
      this.#blocks.splice(index, 1);
      this.#heldBytes -= block.memory.byteLength;
    }
  }
}

/** The pool every connection of this process (or thread) reads its large frames into. */
export const receivePool = new ReceivePool();

/**
 * Gives the memory of a large array received in a call or a reply back to the receive
 * pool, so a later message can be read into it without fresh page faults. Every array of
 * the same message shares that memory: call it once you are done with all of them, and
 * use none of them afterwards (a later message may overwrite them). Without it, the
 * memory comes back on its own once nothing refers to those arrays. Returns false (and
 * does nothing) for an array that is not on pooled memory: a small one, or one already
 * given back.
 *
 * @example
 * ```ts
 * const params = await learner.getParams();
 * useParams(params);
 * lp.recycle(params); // the next 64 MiB reply lands in memory already touched
 * ```
 */
export function recycle(value: ArrayBufferView): boolean {
  return recycleLoan(value);
}

/**
 * @module
 * Memory already touched for large frames, for a receiver that gives it back. A fresh
 * buffer of tens of MiB costs a page fault per 4 KiB page as the bytes are copied in (on
 * a virtual machine several times the copy itself); a buffer the process used before
 * costs the copy alone. A frame of {@link POOL_FROM_BYTES} or more is read into a block
 * of its own (between threads, see port-blocks.ts for the size), and the arrays decoded from it are views of that block. When the receiver
 * is done with them it calls {@link recycle}: the block goes back to where it came from
 * (this process's {@link ReceivePool} for TCP, the sending thread for a MessagePort) and
 * takes a later large frame. A block nobody recycles is ordinary memory, collected as
 * any other, so a view still held is never overwritten by a later message.
 *
 * Why explicit and not on collection: a pool that keeps a block while lending it can only
 * learn that the receiver's views died through a `FinalizationRegistry` on a second object
 * over the same memory, which only a `SharedArrayBuffer` gives; V8 copies into and out of
 * those with relaxed atomics, which measured 2.5 times slower than plain memory both
 * ways (1 MiB frames: 0.87 ms against 0.39 ms to read one in), more than the page faults
 * it saves. And collection comes late under a steady stream, since touched memory
 * creates no allocation pressure to trigger it.
 *
 * The pool holds at most {@link MAX_FREE_BYTES} of free blocks per process (per thread
 * under `threads`); a block recycled beyond that is left to the collector. Free blocks
 * unused for {@link RELEASE_IDLE_AFTER_MS} are released.
 */

/**
 * TCP frames smaller than this are read into ordinary buffers, recycled or not. Measured
 * across processes (`bench/run.ts` suites, 3 rounds alternated), giving back 1 MiB
 * frames made the echo 8–15 % slower, likely because the collector then runs less often
 * and frees the socket's own read chunks later (fresh memory again), while 64 MiB frames
 * gained 1.1–2.2 times.
 */
export const POOL_FROM_BYTES = 4 * 1024 * 1024;
/** The most memory the pool's free blocks take, per process (per thread). */
export const MAX_FREE_BYTES = 256 * 1024 * 1024;
/** How long a free block stays in the pool unused before it is released. */
export const RELEASE_IDLE_AFTER_MS = 10_000;

// Block sizes are rounded up to this, so frames of nearly one size share blocks.
const BLOCK_GRAIN = 64 * 1024;

/** Rounds a frame's size up to the size of the block made for it. */
export function blockBytes(size: number): number {
  return Math.ceil(size / BLOCK_GRAIN) * BLOCK_GRAIN;
}

/**
 * Takes out of `blocks` the smallest that holds `size` bytes without wasting more than
 * half of it; undefined (and `blocks` unchanged) when none does.
 */
export function takeBestFit(blocks: ArrayBuffer[], size: number): ArrayBuffer | undefined {
  let best: ArrayBuffer | undefined;
  for (const block of blocks) {
    const bytes = block.byteLength;
    if (bytes < size || bytes > 2 * size) continue;
    if (best === undefined || bytes < best.byteLength) best = block;
  }
  if (best !== undefined) blocks.splice(blocks.indexOf(best), 1);
  return best;
}

// Every block lent out in this process (or thread), with where it goes back to.
const lent = new WeakMap<ArrayBuffer, (block: ArrayBuffer) => void>();

/**
 * Lends `block` to a receiver: {@link recycle}, called with a view of it, hands it to
 * `giveBack`, once. A block never recycled is collected like any other memory.
 */
export function lend(block: ArrayBuffer, giveBack: (block: ArrayBuffer) => void): void {
  lent.set(block, giveBack);
}

// Blocks to give back as soon as a message has copied them out (see recycleOnceSent).
const onceSent = new WeakSet<ArrayBuffer>();

/**
 * A message was encoded with copies of `sources` (its out-of-band arrays): those marked
 * by {@link recycleOnceSent} are given back now. Called once all of them are copied, since
 * giving a block back to another thread moves it away.
 */
export function copiedOut(sources: readonly ArrayBufferView[]): void {
  for (const source of sources) {
    const block = source.buffer;
    if (!(block instanceof ArrayBuffer) || !onceSent.delete(block)) continue;
    const giveBack = lent.get(block);
    if (giveBack === undefined) continue;
    lent.delete(block);
    giveBack(block);
  }
}

// Blocks of frames read into memory of their own below the pool's size: not lent (recycle
// leaves them alone), but recycleOnceSent may hand them over to a reply all the same.
const received = new WeakSet<ArrayBuffer>();

/**
 * Takes over the memory of `sources` (a frame's out-of-band arrays) when every one of them
 * was marked by {@link recycleOnceSent}: the frame may then be written from that memory
 * without a copy. Returns the function to call once the socket is done with it, which
 * gives the pooled blocks back; undefined, taking nothing, when any array is not marked.
 */
export function takeHandedOver(sources: readonly ArrayBufferView[]): (() => void) | undefined {
  if (sources.length === 0) return undefined;
  for (const source of sources) {
    const block = source.buffer;
    if (!(block instanceof ArrayBuffer) || !onceSent.has(block)) return undefined;
  }
  const giveBacks: (() => void)[] = [];
  for (const source of sources) {
    const block = source.buffer as ArrayBuffer;
    // Taken now, so neither a second message nor a stray recycle can give it back early.
    if (!onceSent.delete(block)) continue;
    received.delete(block);
    const giveBack = lent.get(block);
    if (giveBack === undefined) continue;
    lent.delete(block);
    giveBacks.push(() => {
      giveBack(block);
    });
  }
  handedOverBytes += sources.reduce((sum, source) => sum + source.byteLength, 0);
  return () => {
    for (const giveBack of giveBacks) giveBack();
  };
}

let handedOverBytes = 0;

/** Bytes of arrays this process (or thread) sent without a copy so far: for tests and benchmarks. */
export function handedOverWithoutCopy(): number {
  return handedOverBytes;
}

// Frames of this size or more, below the pool's size, get memory of their own (never a
// slice of Node's shared allocation pool), so recycleOnceSent can hand them over.
const OWN_MEMORY_FROM_BYTES = 64 * 1024;

/** What the pool did so far: for tests and benchmarks. */
export interface ReceivePoolCounts {
  /** Frames read into a free block of the pool. */
  readonly reused: number;
  /** Frames read into a new block. */
  readonly allocated: number;
  /** Blocks given back by {@link recycle} and kept. */
  readonly recycled: number;
  /** Bytes of free blocks held. */
  readonly freeBytes: number;
}

/** Free receive blocks of one process (or thread), with a bound on their total size. */
export class ReceivePool {
  readonly #maxFreeBytes: number;
  readonly #free: ArrayBuffer[] = [];
  #freeBytes = 0;
  #reused = 0;
  #allocated = 0;
  #recycled = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #takeBack = (block: ArrayBuffer): void => {
    this.#keep(block);
  };

  /** @param maxFreeBytes - the most memory the free blocks take */
  constructor(maxFreeBytes: number = MAX_FREE_BYTES) {
    this.#maxFreeBytes = maxFreeBytes;
  }

  /**
   * A buffer of `size` bytes for one frame's body: a free block when one fits, else a new
   * one; either way lent, to come back by {@link recycle}. A small frame gets an ordinary
   * buffer.
   */
  acquire(size: number): Buffer {
    if (size < OWN_MEMORY_FROM_BYTES) return Buffer.allocUnsafe(size);
    if (size < POOL_FROM_BYTES) {
      const own = Buffer.allocUnsafeSlow(size);
      received.add(own.buffer);
      return own;
    }
    let block = takeBestFit(this.#free, size);
    if (block !== undefined) {
      this.#freeBytes -= block.byteLength;
      this.#reused++;
    } else {
      // Uninitialised memory of its own: every byte of the body is written before it is read.
      block = Buffer.allocUnsafeSlow(blockBytes(size)).buffer;
      this.#allocated++;
    }
    lend(block, this.#takeBack);
    return Buffer.from(block, 0, size);
  }

  /** The counts so far. */
  counts(): ReceivePoolCounts {
    return {
      reused: this.#reused,
      allocated: this.#allocated,
      recycled: this.#recycled,
      freeBytes: this.#freeBytes,
    };
  }

  #keep(block: ArrayBuffer): void {
    if (this.#freeBytes + block.byteLength > this.#maxFreeBytes) return;
    this.#free.push(block);
    this.#freeBytes += block.byteLength;
    this.#recycled++;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.#free.length = 0;
      this.#freeBytes = 0;
    }, RELEASE_IDLE_AFTER_MS);
    this.#idleTimer.unref();
  }
}

/** The pool every TCP connection of this process (or thread) reads its large frames into. */
export const receivePool = new ReceivePool();

/**
 * Gives the memory of a large array received in a call or a reply back (over TCP, one of
 * a message of 4 MiB or more; between threads, 256 KiB or more),
 * so that a later large message is read into memory already touched instead of fresh
 * memory that costs page faults. Every array of the same message shares that memory: call
 * it once you are done with all of them, and use none of them afterwards (over TCP a
 * later message overwrites them; between threads they become empty, their memory moved
 * back to the sender). Returns false, and does nothing, for an array not on such memory
 * (a small one, one you made, or one already given back). Without it, nothing changes:
 * the memory is collected as usual.
 *
 * @example
 * ```ts
 * const params = await learner.getParams();
 * useParams(params);
 * lp.recycle(params); // the next large reply lands in memory already touched
 * ```
 */
export function recycle(value: ArrayBufferView): boolean {
  const block = value.buffer;
  if (!(block instanceof ArrayBuffer)) return false;
  const giveBack = lent.get(block);
  if (giveBack === undefined) return false;
  lent.delete(block);
  giveBack(block);
  return true;
}

/**
 * Marks a large received array to be given back (as by {@link recycle}) as soon as a
 * message sent from this process has copied it out: for a method that returns, or passes
 * on, what it received and keeps nothing of it. Returns `value`. The array, and every
 * array of the message it came in, must not be used once it is sent. Over TCP, a message
 * whose out-of-band arrays are all marked is written from their memory without a copy
 * (received frames of 64 KiB or more have memory of their own), and pooled memory is
 * given back once the socket has written it. Does nothing for an array not received in
 * memory of its own.
 *
 * @example
 * ```ts
 * class Relay {
 *   forward(batch: Float32Array): Float32Array {
 *     return lp.recycleOnceSent(batch); // the reply is a copy: the memory takes the next call
 *   }
 * }
 * ```
 */
export function recycleOnceSent<TValue extends ArrayBufferView>(value: TValue): TValue {
  const block = value.buffer;
  if (block instanceof ArrayBuffer && (lent.has(block) || received.has(block))) {
    onceSent.add(block);
  }
  return value;
}

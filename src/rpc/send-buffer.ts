/**
 * @module
 * The memory a connection copies its large frames into before the socket sends them,
 * reused from one frame to the next. Writing into memory the process has already touched
 * costs a plain copy; a fresh allocation of tens of MiB costs a page fault per 4 KiB page
 * on top, which on a virtual machine measured 50 times the copy itself (a 64 MiB copy:
 * 8 ms into reused memory, 400–540 ms into fresh memory).
 */

/** Frames smaller than this are allocated as usual (Node's pool serves them well). */
export const REUSE_FROM_BYTES = 64 * 1024;
/** How long an idle buffer is kept before it is released to the allocator. */
export const RELEASE_AFTER_MS = 2_000;

/** One reusable buffer, lent to one frame at a time. */
export class SendBuffer {
  #buffer: Buffer | undefined;
  #lent = false;
  #releaseTimer: NodeJS.Timeout | undefined;

  /**
   * A buffer of `size` bytes: the reusable one when it is free (grown if needed), else a
   * fresh one. Call {@link SendBuffer.returned} with it once the socket is done with it.
   */
  readonly allocate = (size: number): Buffer => {
    if (size < REUSE_FROM_BYTES || this.#lent) return Buffer.allocUnsafe(size);
    if (this.#buffer === undefined || this.#buffer.length < size) {
      this.#buffer = Buffer.allocUnsafeSlow(size);
    }
    this.#lent = true;
    clearTimeout(this.#releaseTimer);
    return this.#buffer.subarray(0, size);
  };

  /** The socket has written `buffer` out: the reusable buffer is free again. */
  returned(buffer: Buffer): void {
    if (this.#buffer === undefined || buffer.buffer !== this.#buffer.buffer) return;
    this.#lent = false;
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = setTimeout(() => {
      this.release();
    }, RELEASE_AFTER_MS);
    this.#releaseTimer.unref();
  }

  /** Lets the memory go (the connection closed, or it sat idle). */
  release(): void {
    clearTimeout(this.#releaseTimer);
    if (!this.#lent) this.#buffer = undefined;
  }
}

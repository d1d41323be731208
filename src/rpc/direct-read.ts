/**
 * @module
 * Socket reads straight into the frame being gathered. A socket Node reads for us hands
 * out each read as a fresh 64 KiB chunk, which the frame reader then copies into the
 * frame's buffer: for a large frame, a second copy of every byte and fresh memory for
 * every chunk. A socket made with {@link DirectReads.onread} instead asks, before each
 * read, where the bytes should go: into the rest of a large frame's body when one is
 * being gathered (the kernel copies the bytes there once, and nothing else is
 * allocated), else into the unused rest of the socket's 64 KiB slab: each read is handed
 * out as a view of the bytes it filled (small frames may be decoded as views of it, so no
 * byte of a slab is read into twice), and the socket's next read goes after it. A stream
 * of small replies so shares one slab instead of allocating 64 KiB per read, which made
 * the garbage collector a tenth of a sequential caller's time. Node offers this only to
 * sockets it connects, so it serves a client's connections (replies); a server's sockets
 * read chunks as before.
 */
import type { Socket } from 'node:net';

/** Where a socket made with {@link DirectReads} delivers what it reads. */
export interface DirectReadSink {
  /** Memory the next read should land in (the rest of a frame's body), if any. */
  target(): Buffer | undefined;
  /** `bytes` were read into the last target. */
  filled(bytes: number): void;
  /** A chunk read into fresh memory. */
  chunk(chunk: Buffer): void;
}

// The size of a slab: what Node itself reads a socket in.
const SLAB_BYTES = 64 * 1024;
// A read is offered at least this much room; a slab with less left is replaced.
const MIN_READ_BYTES = 16 * 1024;

let slabsAllocated = 0;

/** Slabs allocated for reads between frames so far: for tests and benchmarks. */
export function readSlabsAllocated(): number {
  return slabsAllocated;
}

let bytesReadDirectly = 0;

/** Bytes this process (or thread) read straight into frames so far: for tests and benchmarks. */
export function directlyReadBytes(): number {
  return bytesReadDirectly;
}

/** The reads of one socket, forwarded to the sink attached to it. */
export class DirectReads {
  #sink: DirectReadSink | undefined;
  // Chunks read before a sink was attached.
  readonly #early: Buffer[] = [];
  #intoTarget = false;
  // This socket's slab and how much of it is handed out. Node asks for the memory of a
  // socket's next read right after its last one, and holds it until that read, so each
  // socket reads into a slab of its own.
  #slab: Buffer | undefined;
  #slabUsed = 0;

  /** The `onread` option to create the socket with. */
  readonly onread = {
    buffer: (): Uint8Array => {
      const target = this.#sink?.target();
      this.#intoTarget = target !== undefined && target.length > 0;
      return this.#intoTarget && target !== undefined ? target : this.#slabRoom();
    },
    // True: keep reading (false would pause the socket).
    callback: (bytes: number, buffer: Uint8Array): boolean => {
      if (this.#intoTarget) {
        bytesReadDirectly += bytes;
        this.#sink?.filled(bytes);
        return true;
      }
      const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
      // The next read goes after these bytes, on an 8-byte boundary (a typed array decoded
      // from a chunk is a view of it when aligned).
      this.#slabUsed = Math.min(SLAB_BYTES, Math.ceil((this.#slabUsed + bytes) / 8) * 8);
      if (this.#sink === undefined) this.#early.push(chunk);
      else this.#sink.chunk(chunk);
      return true;
    },
  };

  // Where the next read between frames goes: the rest of the slab, or a new slab when
  // little is left.
  #slabRoom(): Buffer {
    if (this.#slab === undefined || SLAB_BYTES - this.#slabUsed < MIN_READ_BYTES) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#slabUsed = 0;
      slabsAllocated++;
    }
    return this.#slab.subarray(this.#slabUsed);
  }

  /** Sends reads to `sink` from now on, after the chunks read before it. */
  attach(sink: DirectReadSink): void {
    this.#sink = sink;
    for (const chunk of this.#early.splice(0)) sink.chunk(chunk);
  }
}

/** The sockets made to read directly, with their reads. */
export const directReads = new WeakMap<Socket, DirectReads>();

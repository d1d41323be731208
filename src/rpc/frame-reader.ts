/**
 * @module
 * Splits a byte stream into length-prefixed frames without copying when a frame lies
 * inside one chunk, which is the common case for small calls.
 */
import { LaunchpadError } from '../errors.ts';

/** Accumulates socket chunks and hands out complete frame bodies. */
export class FrameReader {
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #expected = -1;
  readonly #onFrame: (body: Buffer) => void;
  readonly #maxBytes: number;

  /**
   * @param onFrame - called once per complete frame body, in order
   * @param maxBytes - a frame announcing more than this is a protocol error
   */
  constructor(onFrame: (body: Buffer) => void, maxBytes: number) {
    this.#onFrame = onFrame;
    this.#maxBytes = maxBytes;
  }

  /**
   * Adds a chunk and emits every frame it completes.
   *
   * @throws LaunchpadError `RESOURCE_EXHAUSTED` when a frame is larger than allowed
   */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#expected < 0) {
        if (this.#buffered < 4) return;
        this.#expected = this.#take(4).readUInt32BE(0);
        if (this.#expected > this.#maxBytes) {
          throw new LaunchpadError(
            'RESOURCE_EXHAUSTED',
            `Received a ${this.#expected}-byte frame, more than the maximum of ${this.#maxBytes} bytes.`,
          );
        }
      }
      if (this.#buffered < this.#expected) return;
      const body = this.#take(this.#expected);
      this.#expected = -1;
      this.#onFrame(body);
    }
  }

  #take(length: number): Buffer {
    this.#buffered -= length;
    const first = this.#chunks[0];
    if (first !== undefined && first.length >= length) {
      if (first.length === length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(length);
      return first.subarray(0, length);
    }
    const out = Buffer.allocUnsafe(length);
    let offset = 0;
    while (offset < length) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) throw new LaunchpadError('INTERNAL', 'Frame reader ran dry.');
      const need = length - offset;
      if (chunk.length <= need) {
        chunk.copy(out, offset);
        offset += chunk.length;
        this.#chunks.shift();
      } else {
        chunk.copy(out, offset, 0, need);
        this.#chunks[0] = chunk.subarray(need);
        offset += need;
      }
    }
    return out;
  }
}

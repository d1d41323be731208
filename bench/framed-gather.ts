/**
 * The framing of the framed floor (`bench/suites/raw-framed.ts`): a 4-byte little-endian
 * length, then the bytes. {@link FramedGatherer} gathers each message into a fresh
 * contiguous buffer, as an RPC that hands its receiver one array must.
 */

/** Collects socket chunks into whole messages, each in a fresh buffer of its own. */
export class FramedGatherer {
  #head = Buffer.alloc(4);
  #headFilled = 0;
  #body: Buffer | undefined;
  #bodyFilled = 0;

  /** @param onMessage - called with each whole message */
  constructor(private readonly onMessage: (message: Buffer) => void) {}

  /** Takes one chunk read from the socket. */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#body === undefined) {
        const take = Math.min(4 - this.#headFilled, chunk.length - at);
        chunk.copy(this.#head, this.#headFilled, at, at + take);
        this.#headFilled += take;
        at += take;
        if (this.#headFilled < 4) return;
        // Fresh memory for every message, never a pooled slice.
        this.#body = Buffer.allocUnsafeSlow(this.#head.readUInt32LE(0));
        this.#bodyFilled = 0;
        this.#headFilled = 0;
      }
      const body = this.#body;
      const take = Math.min(body.length - this.#bodyFilled, chunk.length - at);
      chunk.copy(body, this.#bodyFilled, at, at + take);
      this.#bodyFilled += take;
      at += take;
      if (this.#bodyFilled === body.length) {
        this.#body = undefined;
        this.onMessage(body);
      }
    }
  }
}

/** The 4-byte length that precedes a message of `bytes` bytes. */
export function frameHead(bytes: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(bytes, 0);
  return head;
}

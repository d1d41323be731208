/**
 * @module
 * A frame channel over a `MessagePort`, for nodes that share a process (the `threads`
 * launch type): no TCP stack, no framing. Frames are MessagePack bytes whose buffer is
 * moved to the receiver, so a value arrives exactly as it would over TCP; a frame that
 * carries values marked with `transfer()` is posted as a structured clone instead, with
 * the marked buffers moved rather than copied and SharedArrayBuffers shared.
 */
import type { MessagePort } from 'node:worker_threads';
import { decodeFrameBody, encodeMessage } from './codec.ts';
import type { ConnectionEvents } from './connection.ts';
import { deliverInTurn } from './delivery-gate.ts';
import {
  isLentBlock,
  isReturnedBlock,
  PortBlocks,
  type LentBlock,
  type PortBlockCounts,
  type ReturnedBlock,
} from './port-blocks.ts';
import { FrameType, type Frame } from './protocol.ts';
import { lend } from './receive-pool.ts';
import { markedTransferables } from './transfer.ts';

/** The values of a frame that may carry marked transferables. */
function payloadOf(frame: Frame): readonly unknown[] {
  switch (frame[0]) {
    case FrameType.call:
      return frame[3];
    case FrameType.result:
    case FrameType.item:
      return [frame[2]];
    default:
      return [];
  }
}

/** Frames in, frames out, over one MessagePort. */
export class PortConnection {
  readonly #port: MessagePort;
  readonly #maxBytes: number;
  #closed = false;
  // A frame did not decode: the frames after it are not handed out.
  #dropped = false;
  #lastReceivedBytes = 0;
  #lastSentBytes = 0;
  // Blocks this side lends its large frames in (see port-blocks.ts).
  readonly #blocks = new PortBlocks();

  /**
   * @param port - one end of a channel whose other end belongs to the peer
   * @param events - where frames and the close are reported
   */
  constructor(
    port: MessagePort,
    events: Pick<ConnectionEvents, 'onFrame' | 'onClose'>,
    maxBytes: number,
  ) {
    this.#port = port;
    this.#maxBytes = maxBytes;
    const receive = (message: unknown): void => {
      if (this.#dropped) return;
      let frame: Frame;
      try {
        const bytes = isLentBlock(message) ? this.#borrow(message) : message;
        // A structured clone (a frame with moved buffers) has no byte size: count it as 0.
        this.#lastReceivedBytes = bytes instanceof Uint8Array ? bytes.byteLength : 0;
        frame = (bytes instanceof Uint8Array ? decodeFrameBody(bytes) : bytes) as Frame;
      } catch {
        // Bytes that do not decode mean the channel is out of order: drop it, like TCP does.
        this.#dropped = true;
        port.close();
        return;
      }
      events.onFrame(frame);
    };
    const closed = (): void => {
      this.#closed = true;
      events.onClose(undefined);
    };
    // Node hands out every message queued on a port in one go, however long their
    // handlers (and the code awaiting them) take: frames wait for the event loop to turn
    // once handling them has held it for a while (see delivery-gate.ts). The close waits
    // behind the frames that arrived before it.
    port.on('message', (message: unknown) => {
      // A block given back is free for the next large frame at once, not in turn.
      if (isReturnedBlock(message)) this.#blocks.returned(message.returned);
      else deliverInTurn(receive, message);
    });
    port.once('close', () => {
      deliverInTurn(closed, undefined);
    });
  }

  /** True once either end closed the channel. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Byte size of the frame being (or last) delivered; 0 for a structured clone. */
  get lastReceivedBytes(): number {
    return this.#lastReceivedBytes;
  }

  /** Byte size of the frame last sent; 0 for a structured clone. */
  get lastSentBytes(): number {
    return this.#lastSentBytes;
  }

  /** What the blocks this side lends its large frames in did so far. */
  get blockCounts(): PortBlockCounts {
    return this.#blocks.counts();
  }

  /** Sends one frame. */
  send(frame: Frame): void {
    if (this.#closed) return;
    const transferables = markedTransferables(payloadOf(frame));
    if (transferables !== undefined) {
      this.#lastSentBytes = 0;
      this.#port.postMessage(frame, transferables);
      return;
    }
    // A buffer of the frame's own, moved across: the one copy of the sending side (the
    // caller keeps its arrays), and the receiver decodes typed arrays as views of it. The
    // same size limit as over TCP, so a program behaves alike under every launch type.
    // A large frame goes into a block of this connection's, lent to the receiver, when
    // one is free: memory already touched, where a fresh buffer costs page faults.
    let block: { readonly id: number; readonly memory: SharedArrayBuffer } | undefined;
    let fresh: ArrayBuffer | undefined;
    const bytes = encodeMessage<ArrayBufferLike>(frame, this.#maxBytes, (size) => {
      block = this.#blocks.take(size);
      if (block !== undefined) return new Uint8Array(block.memory, 0, size);
      fresh = new ArrayBuffer(size);
      return new Uint8Array(fresh);
    });
    this.#lastSentBytes = bytes.byteLength;
    if (block !== undefined) {
      const lent: LentBlock = { lent: block.memory, id: block.id, bytes: bytes.byteLength };
      this.#port.postMessage(lent);
    } else if (fresh !== undefined) {
      this.#port.postMessage(bytes, [fresh]);
    }
  }

  // A block the peer lent: its frame body, as a view the decoded arrays share. Once none
  // of them is reachable (or one is recycled), the block goes back to the peer.
  #borrow(message: LentBlock): Uint8Array {
    const { lent, id } = message;
    lend(lent, () => {
      if (this.#closed) return;
      const returned: ReturnedBlock = { returned: id };
      this.#port.postMessage(returned);
    });
    return new Uint8Array(lent, 0, message.bytes);
  }

  /** Nothing is held back on a port; present for symmetry with TCP connections. */
  flush(): void {
    // Each postMessage is delivered on its own.
  }

  /** Closes the channel; the peer sees it close too. */
  close(): void {
    this.#port.close();
  }
}

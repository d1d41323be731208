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
  isReturnedBlock,
  PortBlocks,
  PORT_BLOCK_FROM_BYTES,
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
        // A structured clone (a frame with moved buffers) has no byte size: count it as 0.
        this.#lastReceivedBytes = message instanceof Uint8Array ? message.byteLength : 0;
        if (message instanceof Uint8Array && message.byteLength >= PORT_BLOCK_FROM_BYTES) {
          this.#lendBack(message.buffer as ArrayBuffer);
        }
        frame = (message instanceof Uint8Array ? decodeFrameBody(message) : message) as Frame;
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
    // The frame's own buffer, moved across: a large one in memory the receiver gave back
    // when there is some (already touched, where fresh memory costs page faults).
    let block: ArrayBuffer | undefined;
    const bytes = encodeMessage(frame, this.#maxBytes, (size) => {
      block = this.#blocks.take(size);
      return new Uint8Array(block, 0, size);
    });
    this.#lastSentBytes = bytes.byteLength;
    this.#port.postMessage(bytes, block === undefined ? [] : [block]);
  }

  // A large frame's buffer goes back to the sender when the receiver recycles it.
  #lendBack(block: ArrayBuffer): void {
    lend(block, (returned) => {
      if (this.#closed) return;
      const message: ReturnedBlock = { returned };
      this.#port.postMessage(message, [returned]);
    });
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

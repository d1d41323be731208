/**
 * @module
 * What the RPC layer needs of a connection, whatever carries it: a TCP socket
 * ({@link Connection}) or a MessagePort between threads ({@link PortConnection}).
 */
import type { Frame } from './protocol.ts';

/** A bidirectional channel of frames. */
export interface FrameChannel {
  /** True once the channel has closed. */
  readonly closed: boolean;
  /** Sends one frame; throws (sending nothing) when it cannot be encoded or is too large. */
  send(frame: Frame): void;
  /** Sends at once whatever is held back for batching. */
  flush(): void;
  /** Closes the channel. */
  close(): void;
  /** Size in bytes of the frame last delivered to the owner (for metrics). */
  readonly lastReceivedBytes: number;
  /** Size in bytes of the frame last sent (for metrics). */
  readonly lastSentBytes: number;
}

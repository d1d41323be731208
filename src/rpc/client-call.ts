/**
 * @module
 * One call in flight from a {@link Peer}: how its answer, a stream of answers, its
 * deadline, its abort signal and its cancellation reach the caller and the server.
 */
import type { FrameChannel } from './frame-channel.ts';
import { FrameType } from './protocol.ts';
import { RemoteStream, type StreamControl } from './remote-stream.ts';

/** A call waiting for its answer; it is in its peer's pending map until it settles. */
export class ClientCall implements StreamControl {
  readonly id: number;
  readonly method: string;
  readonly #pending: Map<number, ClientCall>;
  #connection: FrameChannel | undefined;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  #stream: RemoteStream | undefined;
  #timer: NodeJS.Timeout | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;

  /**
   * @param id - the call id, unique on its peer
   * @param method - the method called, for messages
   * @param pending - the peer's pending calls, which this call leaves when it settles
   */
  constructor(id: number, method: string, pending: Map<number, ClientCall>) {
    this.id = id;
    this.method = method;
    this.#pending = pending;
  }

  /**
   * Sends the call and registers it; `resolve` and `reject` settle the caller's promise.
   * Throws (having registered nothing) when the call cannot be encoded.
   */
  start(
    connection: FrameChannel,
    args: unknown[],
    settle: { resolve: (value: unknown) => void; reject: (error: Error) => void },
  ): void {
    this.#connection = connection;
    this.#resolve = settle.resolve;
    this.#reject = settle.reject;
    connection.send([FrameType.call, this.id, this.method, args]);
    this.#pending.set(this.id, this);
  }

  /** Fails the call with `error` when `delayMs` passes first. */
  expireAfter(delayMs: number, error: () => Error): void {
    this.#timer = setTimeout(() => {
      this.abandon(error());
    }, delayMs);
  }

  /** Fails the call with `error` when `signal` aborts first. */
  abortWith(signal: AbortSignal, error: () => Error): void {
    this.#signal = signal;
    this.#onAbort = () => {
      this.abandon(error());
    };
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The RESULT arrived. */
  succeed(value: unknown): void {
    if (this.#finish()) this.#resolve?.(value);
  }

  /** The call failed: ERROR, a dropped connection, or an answer too large to accept. */
  fail(error: Error): void {
    if (!this.#finish()) return;
    if (this.#stream !== undefined) this.#stream.end(error);
    else this.#reject?.(error);
  }

  /** An ITEM arrived: the first one turns the answer into a stream. */
  item(value: unknown): void {
    this.#openStream().push(value);
  }

  /** END arrived: the stream is complete (possibly without a single item). */
  end(): void {
    const stream = this.#openStream();
    if (this.#finish()) stream.end();
  }

  /** The caller gave up (deadline, abort): tell the server, then fail with `error`. */
  abandon(error: Error): void {
    if (this.#pending.has(this.id)) this.#sendCancel();
    this.fail(error);
  }

  /** {@link StreamControl}: the caller stopped iterating. */
  cancel(): void {
    if (this.#finish()) this.#sendCancel();
  }

  /** {@link StreamControl}: the caller consumed `count` values. */
  grant(count: number): void {
    if (!this.#pending.has(this.id)) return;
    try {
      this.#connection?.send([FrameType.credit, this.id, count]);
    } catch {
      // A credit frame is tiny; if it cannot be sent the connection is going down anyway.
    }
  }

  #openStream(): RemoteStream {
    if (this.#stream === undefined) {
      this.#stream = new RemoteStream(this);
      this.#resolve?.(this.#stream);
    }
    return this.#stream;
  }

  #sendCancel(): void {
    try {
      this.#connection?.send([FrameType.cancel, this.id]);
    } catch {
      // As for credit: nothing to do if even a CANCEL frame cannot go out.
    }
  }

  // Leaves the pending map; false if the call had already settled.
  #finish(): boolean {
    if (!this.#pending.delete(this.id)) return false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    return true;
  }
}

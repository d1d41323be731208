/**
 * @module
 * One call in flight from a {@link Peer}: how its answer, a stream of answers, its
 * deadline, its abort signal and its cancellation reach the caller and the server.
 */
import { onAbort } from '../internal/abort-listeners.ts';
import { clearAnyTimeout, setAnyTimeout, type LongTimeout } from '../internal/long-timeout.ts';
import type { FrameChannel } from './frame-channel.ts';
import { FrameType } from './protocol.ts';
import { RemoteStream, type StreamControl } from './remote-stream.ts';
import { LaunchpadError } from '../errors/errors.ts';
import { markQuiet } from './caller-frames.ts';
import type { CallRecorder } from '../metrics/call-observer.ts';
import type { ClientCallSpan } from '../metrics/call-tracing.ts';

/** A call waiting for its answer; it is in its peer's pending map until it settles. */
export class ClientCall implements StreamControl {
  readonly id: number;
  readonly method: string;
  readonly #pending: Map<number, ClientCall>;
  #connection: FrameChannel | undefined;
  #resolve: ((value: unknown) => void) | undefined;
  #reject: ((error: Error) => void) | undefined;
  #stream: RemoteStream | undefined;
  #timer: NodeJS.Timeout | LongTimeout | undefined;
  #stopListening: (() => void) | undefined;
  // Set while the call is recorded and not yet ended in its recorder.
  #recorder: CallRecorder | undefined;
  #start = 0;
  // Set while the call is traced and its span not yet ended.
  #span: ClientCallSpan | undefined;
  /**
   * The promise the caller holds, when the peer wants {@link ClientCall.failQuietly} to
   * be able to mark it handled.
   */
  promise: Promise<unknown> | undefined;
  /**
   * True for a call made when the program was already stopping: the stop did not cut it
   * short, so it fails like any call to a node that is gone.
   */
  madeWhileStopping = false;

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
   * With `span`, the frame carries its trace context and the span ends with the call.
   * Throws (having registered nothing, and ended no span) when the call cannot be encoded.
   */
  start(
    connection: FrameChannel,
    args: unknown[],
    settle: { resolve: (value: unknown) => void; reject: (error: Error) => void },
    span?: ClientCallSpan,
  ): void {
    this.#connection = connection;
    this.#resolve = settle.resolve;
    this.#reject = settle.reject;
    const carrier = span?.carrier;
    // Untraced calls send the frame they always sent: not one byte more.
    connection.send(
      carrier === undefined
        ? [FrameType.call, this.id, this.method, args]
        : [FrameType.call, this.id, this.method, args, carrier],
    );
    this.#span = span;
    this.#pending.set(this.id, this);
  }

  /** Records this call, just sent, in `recorder` until it ends. */
  record(recorder: CallRecorder): void {
    this.#start = recorder.started(this.#connection?.lastSentBytes ?? 0);
    this.#recorder = recorder;
  }

  // The answer arrived (a result, or a stream's first item or end).
  #recordAnswer(): void {
    const recorder = this.#recorder;
    if (recorder === undefined) return;
    this.#recorder = undefined;
    recorder.succeeded(this.#start, this.#connection?.lastReceivedBytes ?? 0);
  }

  /** Fails the call with `error` when `delayMs` (any length) passes first. */
  expireAfter(delayMs: number, error: () => Error): void {
    this.#timer = setAnyTimeout(() => {
      this.abandon(error());
    }, delayMs);
  }

  /** Fails the call with `error` when `signal` aborts first. */
  abortWith(signal: AbortSignal, error: () => Error): void {
    // One listener per signal however many calls share it (see abort-listeners.ts).
    this.#stopListening = onAbort(signal, () => {
      this.abandon(error());
    });
  }

  /** The RESULT arrived. */
  succeed(value: unknown): void {
    if (!this.#finish()) return;
    this.#recordAnswer();
    this.#endSpan();
    this.#resolve?.(value);
  }

  /** The call failed: ERROR, a dropped connection, or an answer too large to accept. */
  fail(error: Error): void {
    if (!this.#finish()) return;
    const recorder = this.#recorder;
    if (recorder !== undefined) {
      this.#recorder = undefined;
      recorder.failed(this.#start, error instanceof LaunchpadError ? error.code : 'UNKNOWN');
    }
    this.#endSpan(error);
    if (this.#stream !== undefined) this.#stream.end(error);
    else this.#reject?.(error);
  }

  /**
   * Fails the call with an error the caller need not handle: the program is stopping, so
   * a call nobody awaits must not become an unhandled rejection that ends the process.
   * A caller who awaits the call still sees the error.
   */
  failQuietly(error: Error): void {
    this.promise?.catch(ignore);
    markQuiet(error);
    this.fail(error);
  }

  /** An ITEM arrived: the first one turns the answer into a stream. */
  item(value: unknown): void {
    this.#openStream().push(value);
  }

  /** END arrived: the stream is complete (possibly without a single item). */
  end(): void {
    const stream = this.#openStream();
    if (!this.#finish()) return;
    this.#endSpan();
    stream.end();
  }

  /** The caller gave up (deadline, abort): tell the server, then fail with `error`. */
  abandon(error: Error): void {
    if (this.#pending.has(this.id)) this.#sendCancel();
    this.fail(error);
  }

  /** {@link StreamControl}: the caller stopped iterating. */
  cancel(): void {
    if (!this.#finish()) return;
    // Leaving a stream early is the caller's choice, not a failure of the call.
    this.#endSpan();
    this.#sendCancel();
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
      this.#recordAnswer();
      this.#stream = new RemoteStream(this);
      this.#resolve?.(this.#stream);
    }
    return this.#stream;
  }

  // A traced call's span ends once, with the call: `error` when it failed.
  #endSpan(error?: Error): void {
    const span = this.#span;
    if (span === undefined) return;
    this.#span = undefined;
    if (error === undefined) span.end();
    else span.end(error instanceof LaunchpadError ? error.code : 'UNKNOWN', error.message);
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
    if (this.#timer !== undefined) clearAnyTimeout(this.#timer);
    this.#stopListening?.();
    return true;
  }
}

function ignore(): void {
  // The rejection is seen by whoever awaits the call; nobody else needs to.
}

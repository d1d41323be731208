/**
 * @module
 * The server side of a streamed result: pulls values from the method's `AsyncIterable`
 * only while the caller has credit, and tells the producer to stop (its iterator's
 * `return()`) when the caller cancels or the connection closes.
 */
import { FrameType, INITIAL_STREAM_CREDIT } from './protocol.ts';
import type { FrameChannel } from './frame-channel.ts';

/** What a stream reports to the server that started it. */
export interface StreamOwner {
  /** The stream ended with `error` thrown by the producer or by encoding. */
  fail(connection: FrameChannel, id: number, error: unknown): void;
  /** The stream is over (ended, failed, or cancelled); forget it. After `fail` if it failed. */
  done(id: number): void;
}

/** One streamed result in flight on one connection. */
export class StreamSender {
  readonly #connection: FrameChannel;
  readonly #id: number;
  readonly #owner: StreamOwner;
  readonly #iterator: AsyncIterator<unknown>;
  #credit = INITIAL_STREAM_CREDIT;
  #stopped = false;
  #pumping = false;

  /**
   * Prepares to send `iterable` as the result of call `id`; {@link StreamSender.start}
   * starts it.
   *
   * @param connection - where the items go
   * @param id - the call id
   * @param iterable - the producer
   * @param owner - told when the stream fails and when it is over
   */
  constructor(
    connection: FrameChannel,
    id: number,
    iterable: AsyncIterable<unknown>,
    owner: StreamOwner,
  ) {
    this.#connection = connection;
    this.#id = id;
    this.#owner = owner;
    this.#iterator = iterable[Symbol.asyncIterator]();
  }

  /** Starts pulling from the producer; call once the owner can be told it is done. */
  start(): void {
    void this.#pump();
  }

  /** The caller may take `count` more items. */
  grant(count: number): void {
    this.#credit += count;
    if (!this.#pumping) void this.#pump();
  }

  /** The caller is gone or gave up: tell the producer to stop. */
  cancel(): void {
    if (this.#stopped) return;
    this.#finish();
    this.#closeProducer();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#credit > 0 && !this.#stopped) {
        const step = await this.#iterator.next();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- cancel() may run during the await
        if (this.#stopped) return;
        if (step.done === true) {
          this.#finish();
          this.#connection.send([FrameType.end, this.#id]);
          return;
        }
        this.#credit--;
        this.#connection.send([FrameType.item, this.#id, step.value]);
      }
    } catch (error) {
      if (this.#stopped) return;
      this.#stopped = true;
      // A producer that threw has finished already; one whose item could not be encoded
      // has not, so close it too (closing a finished generator does nothing).
      this.#closeProducer();
      // The owner hears of the failure before the end, so it knows how the stream ended.
      this.#owner.fail(this.#connection, this.#id, error);
      this.#owner.done(this.#id);
    } finally {
      this.#pumping = false;
    }
  }

  #finish(): void {
    this.#stopped = true;
    this.#owner.done(this.#id);
  }

  #closeProducer(): void {
    // An async generator queues return() behind a next() in progress, so the producer
    // stops at its next yield; its finally blocks run either way.
    try {
      Promise.resolve(this.#iterator.return?.()).catch(() => undefined);
    } catch {
      // A producer whose return() throws has stopped all the same.
    }
  }
}

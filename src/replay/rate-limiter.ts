/**
 * @module
 * {@link RateLimiter}: Reverb's rate limiter. It counts a table's inserts, samples and
 * deletes, and makes inserts and samples wait (first come, first served, with timeouts)
 * until the {@link RateLimiterSpec} allows them.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { RateLimiterSpec } from './rate-limiter-spec.ts';

/** The rate limiter's counters and queue lengths, as `info()` reports them. */
export interface RateLimiterInfo extends RateLimiterSpec {
  /** Items inserted since the table was created (or restored). */
  readonly inserts: number;
  /** Items sampled (each item of a batch counts). */
  readonly samples: number;
  /** Items deleted: evicted, deleted by a client, or sampled `maxTimesSampled` times. */
  readonly deletes: number;
  /** Insert calls waiting for the limiter. */
  readonly blockedInserts: number;
  /** Sample calls waiting for the limiter. */
  readonly blockedSamples: number;
}

/** How long a call may wait, and a tag to cancel it by. */
export interface WaitOptions {
  /** Milliseconds to wait before failing with `DEADLINE_EXCEEDED`. @default Infinity */
  readonly timeoutMs?: number;
  /** A tag that {@link RateLimiter.cancel} can reject the call by (sample streams). */
  readonly tag?: string;
}

interface Waiter {
  remaining: number;
  readonly step: () => void;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly tag: string | undefined;
  timer?: NodeJS.Timeout;
}

/** Paces one table's inserts against its samples. */
export class RateLimiter {
  readonly spec: RateLimiterSpec;
  #inserts = 0;
  #samples = 0;
  #deletes = 0;
  readonly #insertQueue: Waiter[] = [];
  readonly #sampleQueue: Waiter[] = [];
  readonly #table: string;
  #pumping = false;

  /**
   * @param spec - the limits
   * @param table - the table's name, for messages
   */
  constructor(spec: RateLimiterSpec, table: string) {
    this.spec = spec;
    this.#table = table;
  }

  /** True when one more insert is allowed now. */
  canInsert(): boolean {
    // Until the table reaches the sampling threshold, inserts are free.
    if (this.#inserts + 1 - this.#deletes <= this.spec.minSizeToSample) return true;
    return (this.#inserts + 1) * this.spec.samplesPerInsert - this.#samples <= this.spec.maxDiff;
  }

  /** True when one more sample is allowed now. */
  canSample(): boolean {
    if (this.#inserts - this.#deletes < this.spec.minSizeToSample) return false;
    return this.#inserts * this.spec.samplesPerInsert - this.#samples - 1 >= this.spec.minDiff;
  }

  /**
   * Runs `insert` (which must call {@link recordInsert}) once the limiter allows it,
   * after every insert that asked before.
   */
  awaitInsert(insert: () => void, options: WaitOptions = {}): Promise<void> {
    return this.#enqueue(this.#insertQueue, { count: 1, step: insert, ...options }, 'insert');
  }

  /**
   * Runs `sampleOne` (which must call {@link recordSample}) `count` times, each as soon as
   * the limiter allows, after every sample call that asked before.
   */
  awaitSamples(count: number, sampleOne: () => void, options: WaitOptions = {}): Promise<void> {
    return this.#enqueue(this.#sampleQueue, { count, step: sampleOne, ...options }, 'sample');
  }

  /**
   * Runs `insert` (which must call {@link recordInsert}) at once when no insert waits
   * ahead of it and the limiter allows it, and returns true; otherwise runs nothing and
   * returns false (then use {@link awaitInsert}). The common case, without a promise or a
   * queue entry per item. Throws what `insert` throws.
   */
  insertNow(insert: () => void): boolean {
    if (this.#pumping || this.#insertQueue.length > 0 || !this.canInsert()) return false;
    this.#stepNow(insert);
    return true;
  }

  /**
   * Runs `sampleOne` (which must call {@link recordSample}) up to `count` times at once,
   * while no sample call waits ahead and the limiter allows it; returns how many ran. The
   * rest, if any, must wait behind nothing: pass them to {@link awaitSamples} right away.
   * Throws what `sampleOne` throws.
   */
  samplesNow(count: number, sampleOne: () => void): number {
    if (this.#pumping || this.#sampleQueue.length > 0) return 0;
    let done = 0;
    this.#pumping = true;
    try {
      while (done < count && this.canSample()) {
        sampleOne();
        done++;
      }
    } finally {
      this.#pumping = false;
    }
    if (done > 0) this.#pumpIfWaiting();
    return done;
  }

  // Runs one step as pump() would (a delete it causes does not pump in the middle), then
  // lets the calls it may have unblocked proceed.
  #stepNow(step: () => void): void {
    this.#pumping = true;
    try {
      step();
    } finally {
      this.#pumping = false;
    }
    this.#pumpIfWaiting();
  }

  #pumpIfWaiting(): void {
    if (this.#insertQueue.length > 0 || this.#sampleQueue.length > 0) this.pump();
  }

  /** Counts an insert. */
  recordInsert(): void {
    this.#inserts++;
  }

  /** Counts a sampled item. */
  recordSample(): void {
    this.#samples++;
  }

  /** Counts a deleted item and lets waiters that a smaller table unblocks proceed. */
  recordDelete(): void {
    this.#deletes++;
    this.pump();
  }

  /** Rejects waiting sample calls tagged `tag` with `CANCELLED`; returns how many. */
  cancel(tag: string, reason: string): number {
    let cancelled = 0;
    for (const waiter of [...this.#sampleQueue]) {
      if (waiter.tag !== tag) continue;
      this.#remove(this.#sampleQueue, waiter);
      waiter.reject(new LaunchpadError('CANCELLED', reason));
      cancelled++;
    }
    this.pump();
    return cancelled;
  }

  /** Rejects every waiting call with `CANCELLED` (the node is stopping). */
  cancelAll(reason: string): void {
    for (const queue of [this.#insertQueue, this.#sampleQueue]) {
      for (const waiter of queue.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new LaunchpadError('CANCELLED', reason));
      }
    }
  }

  /** The counters, limits and queue lengths. */
  info(): RateLimiterInfo {
    return {
      ...this.spec,
      inserts: this.#inserts,
      samples: this.#samples,
      deletes: this.#deletes,
      blockedInserts: this.#insertQueue.length,
      blockedSamples: this.#sampleQueue.length,
    };
  }

  /** Restores counters from a checkpoint. */
  restoreCounters(counters: { inserts: number; samples: number; deletes: number }): void {
    this.#inserts = counters.inserts;
    this.#samples = counters.samples;
    this.#deletes = counters.deletes;
  }

  /** Lets waiting calls proceed, in order, for as long as the limiter allows. */
  pump(): void {
    // A step may itself change the counters and call pump(); the outer loop covers it.
    if (this.#pumping) return;
    // Every delete pumps (an evicting insert deletes): most of the time nothing waits.
    if (this.#insertQueue.length === 0 && this.#sampleQueue.length === 0) return;
    this.#pumping = true;
    try {
      let progressed = true;
      while (progressed) {
        progressed = this.#drain(this.#insertQueue, true);
        progressed = this.#drain(this.#sampleQueue, false) || progressed;
      }
    } finally {
      this.#pumping = false;
    }
  }

  #drain(queue: Waiter[], inserts: boolean): boolean {
    let progressed = false;
    for (
      let head = queue[0];
      head !== undefined && (inserts ? this.canInsert() : this.canSample());
      head = queue[0]
    ) {
      progressed = true;
      try {
        head.step();
      } catch (error) {
        this.#remove(queue, head);
        head.reject(LaunchpadError.from(error));
        continue;
      }
      if (--head.remaining === 0) {
        this.#remove(queue, head);
        head.resolve();
      }
    }
    return progressed;
  }

  #enqueue(
    queue: Waiter[],
    request: { count: number; step: () => void } & WaitOptions,
    what: 'insert' | 'sample',
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        remaining: request.count,
        step: request.step,
        resolve,
        reject,
        tag: request.tag,
      };
      queue.push(waiter);
      this.pump();
      const timeoutMs = request.timeoutMs ?? Number.POSITIVE_INFINITY;
      if (waiter.remaining > 0 && queue.includes(waiter) && Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          this.#remove(queue, waiter);
          reject(this.#timeoutError(what, timeoutMs));
          // The expired call may have been at the head, holding back the ones behind.
          this.pump();
        }, timeoutMs);
      }
    });
  }

  #remove(queue: Waiter[], waiter: Waiter): void {
    clearTimeout(waiter.timer);
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
  }

  #timeoutError(what: 'insert' | 'sample', timeoutMs: number): LaunchpadError {
    const { inserts, samples, deletes, samplesPerInsert, minSizeToSample, minDiff, maxDiff } =
      this.info();
    const fix =
      what === 'insert'
        ? 'sample from the table (a learner must keep up), raise maxDiff, or raise the timeout'
        : 'insert more items (actors must keep up), lower minSizeToSample or minDiff, or raise the timeout';
    return new LaunchpadError(
      'DEADLINE_EXCEEDED',
      `Table "${this.#table}": the rate limiter did not allow the ${what} within ${timeoutMs} ms ` +
        `(size ${inserts - deletes}, inserts ${inserts}, samples ${samples}, samplesPerInsert ` +
        `${samplesPerInsert}, minSizeToSample ${minSizeToSample}, diff range [${minDiff}, ${maxDiff}]); ` +
        `${fix}.`,
    );
  }
}

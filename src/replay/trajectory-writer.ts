/**
 * @module
 * {@link TrajectoryWriter}: Reverb's trajectory writer. Append steps one at a time, then
 * create items over the last N steps. Steps are sent once, in chunks, and only when an
 * item first needs them; later items over the same steps send references only.
 */
import { randomUUID } from 'node:crypto';
import { LaunchpadError } from '../errors/errors.ts';
import type { ChunkSlice } from './chunk-store.ts';
import { defined } from './defined.ts';
import type { Priorities, TrajectoryItem, TrajectoryWrite } from './types.ts';

/** What a writer needs of the replay node: a replay client, or the service itself. */
export interface TrajectoryTarget {
  /** Stores chunks and creates items. */
  writeTrajectory(write: TrajectoryWrite): Promise<number[]>;
  /** Releases the writer's kept chunks. */
  releaseWriter(writerId: string): Promise<void> | void;
}

/** Options of a {@link TrajectoryWriter}. */
export interface TrajectoryWriterOptions {
  /** The longest item, in steps; the node keeps this many recent steps for new items. */
  readonly maxHistory: number;
  /**
   * Steps per chunk. Shorter chunks waste less when items are sparse, longer ones cost
   * fewer references. An item over unsent steps sends them at once as a shorter chunk.
   * @default maxHistory
   */
  readonly chunkLength?: number;
  /** How long each item may wait for a table's rate limiter. @default Infinity */
  readonly timeoutMs?: number;
  /**
   * Items sent together in one call, as `insertMany` does for single items: `createItem`
   * holds items until this many are waiting, and `flush()` or `endEpisode()` sends the
   * rest. Larger batches cost fewer round trips; each item's promise settles when its
   * batch is inserted.
   * @default 1 (each item is sent at once)
   */
  readonly itemsPerWrite?: number;
}

/** An item created but not sent yet, with the chunks it is the first to need. */
interface PendingItem {
  readonly chunks: { key: string; steps: unknown[] }[];
  readonly item: TrajectoryItem;
  readonly resolve: (key: number) => void;
  readonly reject: (error: unknown) => void;
}

interface LocalChunk {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  // Dropped once sent: the node holds the data from then on.
  steps: unknown[] | undefined;
}

/**
 * Writes steps and creates items over them.
 *
 * @typeParam TStep - the type of one step
 * @example
 * ```ts
 * const writer = new TrajectoryWriter(replay, { maxHistory: 3 });
 * for (const step of episode) {
 *   writer.append(step);
 *   if (writer.episodeSteps >= 3) await writer.createItem(3, { replay: 1.0 });
 * }
 * await writer.endEpisode();
 * ```
 */
export class TrajectoryWriter<TStep = unknown> {
  readonly #target: TrajectoryTarget;
  readonly #maxHistory: number;
  readonly #chunkLength: number;
  readonly #timeoutMs: number | undefined;
  readonly #itemsPerWrite: number;
  readonly #id = randomUUID();
  #pending: PendingItem[] = [];
  #chunkCount = 0;
  #steps = 0;
  #chunks: LocalChunk[] = [];
  #open: unknown[] = [];
  readonly #inFlight = new Set<Promise<unknown>>();

  /**
   * @param target - a replay client (or a ReplayService)
   * @param options - history length, chunk length and timeout
   */
  constructor(target: TrajectoryTarget, options: TrajectoryWriterOptions) {
    const { maxHistory, chunkLength = maxHistory, itemsPerWrite = 1 } = options;
    for (const [name, value] of [
      ['maxHistory', maxHistory],
      ['chunkLength', chunkLength],
      ['itemsPerWrite', itemsPerWrite],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Expected TrajectoryWriter option \`${name}\` to be an integer ≥ 1, got ${String(value)}.`,
        );
      }
    }
    this.#target = target;
    this.#maxHistory = maxHistory;
    this.#chunkLength = chunkLength;
    this.#timeoutMs = options.timeoutMs;
    this.#itemsPerWrite = itemsPerWrite;
  }

  /** Steps appended in the current episode. */
  get episodeSteps(): number {
    return this.#steps;
  }

  /** Appends a step locally (nothing is sent yet) and returns its index in the episode. */
  append(step: TStep): number {
    this.#open.push(step);
    this.#steps++;
    if (this.#open.length >= this.#chunkLength) this.#cut();
    // Chunks wholly before the oldest step a new item may cover are never needed again.
    const oldest = this.#steps - this.#maxHistory;
    this.#chunks = this.#chunks.filter((chunk) => chunk.end > oldest);
    return this.#steps - 1;
  }

  /**
   * Creates an item over the last `numSteps` steps, in each table of `priorities`, and
   * resolves with its key once inserted (after any wait for the rate limiters).
   */
  createItem(numSteps: number, priorities: Priorities): Promise<number> {
    if (
      !Number.isInteger(numSteps) ||
      numSteps < 1 ||
      numSteps > Math.min(this.#steps, this.#maxHistory)
    ) {
      return Promise.reject(
        new LaunchpadError(
          'INVALID_ARGUMENT',
          `Cannot create an item over the last ${String(numSteps)} steps: the episode has ` +
            `${this.#steps} steps and maxHistory is ${this.#maxHistory}; ask for 1 to ` +
            `${Math.min(this.#steps, this.#maxHistory)} steps, or raise maxHistory.`,
        ),
      );
    }
    if (this.#open.length > 0) this.#cut();
    const start = this.#steps - numSteps;
    const slices: ChunkSlice[] = [];
    const newChunks: { key: string; steps: unknown[] }[] = [];
    for (const chunk of this.#chunks) {
      if (chunk.end <= start) continue;
      const from = Math.max(start, chunk.start);
      slices.push({ chunk: chunk.key, offset: from - chunk.start, length: chunk.end - from });
      if (chunk.steps !== undefined) {
        newChunks.push({ key: chunk.key, steps: chunk.steps });
        chunk.steps = undefined;
      }
    }
    const created = new Promise<number>((resolve, reject) => {
      this.#pending.push({ chunks: newChunks, item: { slices, priorities }, resolve, reject });
    });
    this.#track(created);
    if (this.#pending.length >= this.#itemsPerWrite) this.#send();
    return created;
  }

  /** Sends the waiting items in one call, with the chunks they are the first to need. */
  #send(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    // What the node keeps is decided now: items of this batch are created before the pins
    // change, so chunks they reference stay even when the next items do not need them.
    const oldest = this.#steps - this.#maxHistory;
    const write: TrajectoryWrite = {
      writerId: this.#id,
      chunks: batch.flatMap((pending) => pending.chunks),
      items: batch.map((pending) => pending.item),
      keep: this.#chunks.filter((c) => c.steps === undefined && c.end > oldest).map((c) => c.key),
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    };
    this.#target.writeTrajectory(write).then(
      (keys) => {
        batch.forEach((pending, index) => {
          pending.resolve(defined(keys[index], 'the created key'));
        });
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }

  /** Sends items still held (see `itemsPerWrite`), then resolves once every item created so far is inserted (or failed). */
  async flush(): Promise<void> {
    this.#send();
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Ends the episode: flushes, then lets the node free the steps; items never span episodes. */
  async endEpisode(): Promise<void> {
    await this.flush();
    this.#steps = 0;
    this.#chunks = [];
    this.#open = [];
    await this.#target.releaseWriter(this.#id);
  }

  /** Ends the episode; the writer may be used again for a new episode. */
  close(): Promise<void> {
    return this.endEpisode();
  }

  #cut(): void {
    const key = `${this.#id}:${this.#chunkCount++}`;
    const end = this.#steps;
    this.#chunks.push({ key, start: end - this.#open.length, end, steps: this.#open });
    this.#open = [];
  }

  #track(promise: Promise<unknown>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
  }
}

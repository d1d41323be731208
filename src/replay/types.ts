/**
 * @module
 * The values that travel between replay clients and the replay node.
 */
import type { ChunkSlice } from './chunk-store.ts';
import type { RateLimiterInfo } from './rate-limiter.ts';
import type { RemoverSpec } from './removers.ts';
import type { SamplerSpec } from './samplers.ts';

/**
 * One item returned by `sample`.
 *
 * @typeParam TData - what the item holds: the inserted value, or the array of steps for
 * an item made by a trajectory writer
 */
export interface SampledItem<TData = unknown> {
  /** The item's key, for `updatePriorities` and `delete`. */
  readonly key: number;
  /** The table it was sampled from. */
  readonly table: string;
  /** The item's data. */
  readonly data: TData;
  /** The item's priority. */
  readonly priority: number;
  /** The probability this item had of being picked (1 for FIFO, LIFO and heaps). */
  readonly probability: number;
  /** How many times the item has been sampled, this time included. */
  readonly timesSampled: number;
  /** The table's size when the item was picked. */
  readonly tableSize: number;
}

/** Priorities by table name: where to insert an item, and with what priority. */
export type Priorities = Readonly<Record<string, number>>;

/** One item of `insertMany`: its data, and the tables to insert it into with priorities. */
export interface InsertEntry<TData = unknown> {
  /** The item's data, as `insert` takes it. */
  readonly data: TData;
  /** Where to insert it, and with what priority. */
  readonly priorities: Priorities;
}

/** Options of `insert` and of trajectory writes. */
export interface InsertOptions {
  /**
   * How long an insert may wait for a table's rate limiter before failing with
   * `DEADLINE_EXCEEDED`.
   * @default Infinity
   */
  readonly timeoutMs?: number;
}

/** Options of `sample`. */
export interface SampleOptions {
  /**
   * How long the call may wait for the rate limiter before failing with
   * `DEADLINE_EXCEEDED`. Items already drawn for the call count as sampled.
   * @default Infinity
   */
  readonly timeoutMs?: number;
  /** A tag that `cancelSamples(tag)` cancels the call by; sample streams set it. */
  readonly tag?: string;
}

/** Priority updates: `[key, priority]` pairs, or a `Map` from key to priority. */
export type PriorityUpdates = ReadonlyMap<number, number> | readonly (readonly [number, number])[];

/** A table's state, as `info()` reports it. */
export interface TableInfo {
  /** The table's name. */
  readonly name: string;
  /** Items held now. */
  readonly size: number;
  /** The most items it holds. */
  readonly maxSize: number;
  /** Items are deleted after this many samples (0: never). */
  readonly maxTimesSampled: number;
  /** How items are sampled. */
  readonly sampler: SamplerSpec;
  /** How a full table evicts. */
  readonly remover: RemoverSpec;
  /** Items inserted, in total. */
  readonly inserts: number;
  /** Items sampled, in total. */
  readonly samples: number;
  /** Items deleted, in total. */
  readonly deletes: number;
  /** The rate limiter's limits, counters and waiting calls. */
  readonly rateLimiter: RateLimiterInfo;
}

/** What `info()` returns. */
export interface ReplayInfo {
  /** Every table, in configuration order. */
  readonly tables: readonly TableInfo[];
  /**
   * Pieces of data held: a trajectory writer's chunks of steps, and each value inserted
   * whole (`insert`, `insertMany`) that an item in some table still holds, counted once
   * however many tables it went into.
   */
  readonly chunks: number;
  /** The path of the last checkpoint written or restored, if any. */
  readonly lastCheckpoint: string | undefined;
}

/** One item a trajectory writer creates: slices of chunks, and tables with priorities. */
export interface TrajectoryItem {
  /** The steps of the item, as slices of chunks. */
  readonly slices: readonly ChunkSlice[];
  /** Where to insert the item, with what priority. */
  readonly priorities: Priorities;
}

/** One call of a trajectory writer: new chunks, new items, and the chunks to keep. */
export interface TrajectoryWrite {
  /** The writer's id, which owns the kept chunks. */
  readonly writerId: string;
  /** Chunks not sent before. */
  readonly chunks: readonly { readonly key: string; readonly steps: readonly unknown[] }[];
  /** Items to create. */
  readonly items: readonly TrajectoryItem[];
  /** Chunks the writer's next items may reference; the others are released. */
  readonly keep: readonly string[];
  /** As {@link InsertOptions.timeoutMs}. */
  readonly timeoutMs?: number;
}

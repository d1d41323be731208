/**
 * @module
 * {@link Table}: one replay table: its items, its sampler and remover, its rate limiter,
 * and `maxTimesSampled`.
 */
import { LaunchpadError } from '../errors/errors.ts';
import { singleChunkKey, type ChunkSlice, type ChunkStore, SingleValue } from './chunk-store.ts';
import { defined } from './defined.ts';
import { RateLimiter, type WaitOptions } from './rate-limiter.ts';
import { createRemover } from './removers.ts';
import type { Rng } from './rng.ts';
import { createSampler } from './samplers.ts';
import type { Selectable, Selector } from './selector.ts';
import type { TableConfig } from './table-config.ts';
import type { SampledItem, TableInfo } from './types.ts';

/** An item as a checkpoint holds it. */
export interface StoredItem {
  /** The item's key. */
  readonly key: number;
  /** Its priority. */
  priority: number;
  /** How many times it was sampled. */
  timesSampled: number;
  /** The steps it covers. */
  readonly slices: readonly ChunkSlice[];
  /** True when the item is one inserted value rather than a list of steps. */
  readonly single: boolean;
}

/**
 * An item as a table holds it: over slices of chunks (a trajectory writer's), or over one
 * value inserted whole (`single`, shared with the item's copies in other tables).
 */
export interface HeldItem extends Selectable {
  /** The item's key. */
  readonly key: number;
  /** Its priority. */
  priority: number;
  /** How many times it was sampled. */
  timesSampled: number;
  /** The steps it covers; empty for an item over a single value. */
  readonly slices: readonly ChunkSlice[];
  /** The value it holds when it was inserted whole, else `undefined`. */
  readonly single: SingleValue | undefined;
}

/** The slices of an item over a single value: none. */
export const NO_SLICES: readonly ChunkSlice[] = [];

/** A table's items and counters, for a checkpoint. Items are in insertion order. */
export interface TableSnapshot {
  /** The table's name. */
  readonly name: string;
  /** Its items, oldest first. */
  readonly items: readonly StoredItem[];
  /** The rate limiter's counters. */
  readonly counters: { inserts: number; samples: number; deletes: number };
}

/** One replay table. */
export class Table {
  readonly config: TableConfig;
  readonly #items = new Map<number, HeldItem>();
  readonly #sampler: Selector;
  readonly #remover: Selector;
  readonly #limiter: RateLimiter;
  readonly #chunks: ChunkStore;

  /**
   * @param config - a validated table config
   * @param shared - the random source and the node's chunk store
   */
  constructor(config: TableConfig, shared: { rng: Rng; chunks: ChunkStore }) {
    this.config = config;
    this.#sampler = createSampler(config.sampler, shared.rng);
    this.#remover = createRemover(config.remover, shared.rng);
    this.#limiter = new RateLimiter(config.rateLimiter, config.name);
    this.#chunks = shared.chunks;
  }

  /** Items held now. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * Inserts an item once the rate limiter allows, evicting one if the table is full.
   * The item's chunks are referenced at once, so they outlive a wait for the limiter.
   * Returns `undefined` when the item went in at once (the common case: no promise per
   * item), or a promise of the insert when it waits for the limiter.
   */
  insert(item: HeldItem, options: WaitOptions): Promise<void> | undefined {
    this.#acquire(item);
    try {
      // One step function for every insert made at once, reading the item from a field:
      // no closure per item.
      this.#inserting = item;
      const now = this.#limiter.insertNow(this.#insertPending);
      if (now) return undefined;
    } catch (error) {
      this.#release(item);
      return Promise.reject(LaunchpadError.from(error));
    } finally {
      this.#inserting = undefined;
    }
    return this.#insertWaiting(item, options);
  }

  #inserting: HeldItem | undefined;
  readonly #insertPending = (): void => {
    this.#insertStep(defined(this.#inserting, 'the item being inserted'));
  };

  async #insertWaiting(item: HeldItem, options: WaitOptions): Promise<void> {
    const outcome = { inserted: false };
    try {
      await this.#limiter.awaitInsert(() => {
        this.#insertStep(item);
        outcome.inserted = true;
      }, options);
    } finally {
      if (!outcome.inserted) this.#release(item);
    }
  }

  #acquire(item: HeldItem): void {
    if (item.single === undefined) this.#chunks.acquire(item.slices);
    else this.#chunks.acquireSingle(item.single);
  }

  #release(item: HeldItem): void {
    if (item.single === undefined) this.#chunks.release(item.slices);
    else this.#chunks.releaseSingle(item.single);
  }

  #insertStep(item: HeldItem): void {
    if (this.#items.size >= this.config.maxSize) {
      this.#deleteItem(this.#remover.select().item as HeldItem);
    }
    this.#add(item);
    this.#limiter.recordInsert();
  }

  /**
   * Samples `count` items (with replacement), each once the rate limiter allows: at once
   * when it allows them all (an array), else a promise of the batch.
   */
  sample(count: number, options: WaitOptions): SampledItem[] | Promise<SampledItem[]> {
    const batch: SampledItem[] = [];
    const sampleOne = (): void => {
      batch.push(this.#sampleOne());
    };
    let done: number;
    try {
      done = this.#limiter.samplesNow(count, sampleOne);
    } catch (error) {
      return Promise.reject(LaunchpadError.from(error));
    }
    if (done === count) return batch;
    return this.#limiter.awaitSamples(count - done, sampleOne, options).then(() => batch);
  }

  /** Sets priorities of held items; returns how many were held. */
  updatePriorities(updates: Iterable<readonly [number, number]>): number {
    let updated = 0;
    for (const [key, priority] of updates) {
      const item = this.#items.get(key);
      if (item === undefined) continue;
      item.priority = priority;
      this.#sampler.update(item);
      this.#remover.update(item);
      updated++;
    }
    return updated;
  }

  /** Deletes held items by key; returns how many were held. */
  delete(keys: Iterable<number>): number {
    let deleted = 0;
    for (const key of keys) {
      const item = this.#items.get(key);
      if (item === undefined) continue;
      this.#deleteItem(item);
      deleted++;
    }
    return deleted;
  }

  /** Cancels waiting sample calls tagged `tag`. */
  cancel(tag: string, reason: string): number {
    return this.#limiter.cancel(tag, reason);
  }

  /** Rejects every waiting call (the node is stopping). */
  cancelAll(reason: string): void {
    this.#limiter.cancelAll(reason);
  }

  /** The table's state. */
  info(): TableInfo {
    const rateLimiter = this.#limiter.info();
    return {
      name: this.config.name,
      size: this.#items.size,
      maxSize: this.config.maxSize,
      maxTimesSampled: this.config.maxTimesSampled ?? 0,
      sampler: this.config.sampler,
      remover: this.config.remover,
      inserts: rateLimiter.inserts,
      samples: rateLimiter.samples,
      deletes: rateLimiter.deletes,
      rateLimiter,
    };
  }

  /**
   * The items and counters, for a checkpoint. An item over a single value is written as
   * one over a chunk of one step keyed {@link singleChunkKey} (the format of checkpoints
   * made before single values); `singles` receives those chunks' values by item key.
   */
  snapshot(singles: Map<number, unknown>): TableSnapshot {
    const { inserts, samples, deletes } = this.#limiter.info();
    const items: StoredItem[] = [];
    for (const { key, priority, timesSampled, slices, single } of this.#items.values()) {
      if (single === undefined) {
        items.push({ key, priority, timesSampled, slices, single: false });
        continue;
      }
      singles.set(key, single.value);
      const slice = { chunk: singleChunkKey(key), offset: 0, length: 1 };
      items.push({ key, priority, timesSampled, slices: [slice], single: true });
    }
    return { name: this.config.name, items, counters: { inserts, samples, deletes } };
  }

  /**
   * Loads a snapshot into this (empty) table; the chunks must already be in the store. An
   * item inserted whole becomes one over a single value again, taken from its chunk and
   * shared through `singles` (by item key) with the item's copies in other tables.
   */
  restore(snapshot: TableSnapshot, singles: Map<number, SingleValue>): void {
    for (const { key, priority, timesSampled, slices, single } of snapshot.items) {
      let value: SingleValue | undefined;
      if (single) {
        value = singles.get(key);
        if (value === undefined) {
          value = new SingleValue(this.#chunks.read(slices)[0]);
          singles.set(key, value);
        }
      }
      const item: HeldItem = {
        key,
        priority,
        timesSampled,
        slices: value === undefined ? slices : NO_SLICES,
        single: value,
        samplerPlace: -1,
        removerPlace: -1,
      };
      this.#acquire(item);
      this.#add(item);
    }
    this.#limiter.restoreCounters(snapshot.counters);
  }

  #add(item: HeldItem): void {
    this.#items.set(item.key, item);
    this.#sampler.insert(item);
    this.#remover.insert(item);
  }

  #sampleOne(): SampledItem {
    const selection = this.#sampler.select();
    // The table inserts only its own items into its selectors.
    const item = selection.item as HeldItem;
    const { key } = item;
    const { probability } = selection;
    item.timesSampled++;
    const sampled: SampledItem = {
      key,
      table: this.config.name,
      data: item.single === undefined ? this.#chunks.read(item.slices) : item.single.value,
      priority: item.priority,
      probability,
      timesSampled: item.timesSampled,
      tableSize: this.#items.size,
    };
    this.#limiter.recordSample();
    const maxTimesSampled = this.config.maxTimesSampled ?? 0;
    if (maxTimesSampled > 0 && item.timesSampled >= maxTimesSampled) this.#deleteItem(item);
    return sampled;
  }

  #deleteItem(item: HeldItem): void {
    this.#items.delete(item.key);
    this.#sampler.delete(item);
    this.#remover.delete(item);
    this.#release(item);
    this.#limiter.recordDelete();
  }
}

/**
 * @module
 * {@link Table}: one replay table: its items, its sampler and remover, its rate limiter,
 * and `maxTimesSampled`.
 */
import { LaunchpadError } from '../errors/errors.ts';
import type { ChunkSlice, ChunkStore } from './chunk-store.ts';
import { defined } from './defined.ts';
import { RateLimiter, type WaitOptions } from './rate-limiter.ts';
import { createRemover } from './removers.ts';
import type { Rng } from './rng.ts';
import { createSampler } from './samplers.ts';
import type { Selector } from './selector.ts';
import type { TableConfig } from './table-config.ts';
import type { SampledItem, TableInfo } from './types.ts';

/** An item as a table holds it. */
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
  readonly #items = new Map<number, StoredItem>();
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
  insert(item: StoredItem, options: WaitOptions): Promise<void> | undefined {
    this.#chunks.acquire(item.slices);
    try {
      const now = this.#limiter.insertNow(() => {
        this.#insertStep(item);
      });
      if (now) return undefined;
    } catch (error) {
      this.#chunks.release(item.slices);
      return Promise.reject(LaunchpadError.from(error));
    }
    return this.#insertWaiting(item, options);
  }

  async #insertWaiting(item: StoredItem, options: WaitOptions): Promise<void> {
    const outcome = { inserted: false };
    try {
      await this.#limiter.awaitInsert(() => {
        this.#insertStep(item);
        outcome.inserted = true;
      }, options);
    } finally {
      if (!outcome.inserted) this.#chunks.release(item.slices);
    }
  }

  #insertStep(item: StoredItem): void {
    if (this.#items.size >= this.config.maxSize) {
      this.#deleteItem(this.#remover.select().key);
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
      this.#sampler.update(key, priority);
      this.#remover.update(key, priority);
      updated++;
    }
    return updated;
  }

  /** Deletes held items by key; returns how many were held. */
  delete(keys: Iterable<number>): number {
    let deleted = 0;
    for (const key of keys) {
      if (!this.#items.has(key)) continue;
      this.#deleteItem(key);
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

  /** The items and counters, for a checkpoint. */
  snapshot(): TableSnapshot {
    const { inserts, samples, deletes } = this.#limiter.info();
    return {
      name: this.config.name,
      items: [...this.#items.values()].map((item) => ({ ...item })),
      counters: { inserts, samples, deletes },
    };
  }

  /** Loads a snapshot into this (empty) table; the chunks must already be in the store. */
  restore(snapshot: TableSnapshot): void {
    for (const item of snapshot.items) {
      this.#chunks.acquire(item.slices);
      this.#add({ ...item });
    }
    this.#limiter.restoreCounters(snapshot.counters);
  }

  #add(item: StoredItem): void {
    this.#items.set(item.key, item);
    this.#sampler.insert(item.key, item.priority);
    this.#remover.insert(item.key, item.priority);
  }

  #sampleOne(): SampledItem {
    const { key, probability } = this.#sampler.select();
    const item = defined(this.#items.get(key), `sampled item ${key}`);
    item.timesSampled++;
    const steps = this.#chunks.read(item.slices);
    const sampled: SampledItem = {
      key,
      table: this.config.name,
      data: item.single ? steps[0] : steps,
      priority: item.priority,
      probability,
      timesSampled: item.timesSampled,
      tableSize: this.#items.size,
    };
    this.#limiter.recordSample();
    const maxTimesSampled = this.config.maxTimesSampled ?? 0;
    if (maxTimesSampled > 0 && item.timesSampled >= maxTimesSampled) this.#deleteItem(key);
    return sampled;
  }

  #deleteItem(key: number): void {
    const item = this.#items.get(key);
    if (item === undefined) return;
    this.#items.delete(key);
    this.#sampler.delete(key);
    this.#remover.delete(key);
    this.#chunks.release(item.slices);
    this.#limiter.recordDelete();
  }
}

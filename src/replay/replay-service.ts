/**
 * @module
 * {@link ReplayService}: the replay node's service, Launchpad's ReverbNode for
 * launchpad-ts. Its public methods are what a replay client can call.
 */
import { join } from 'node:path';
import { LaunchpadError } from '../errors/errors.ts';
import { withCancelHook } from '../rpc/cancellation.ts';
import { currentNode } from '../node/node-context.ts';
import {
  latestCheckpoint,
  readCheckpoint,
  resolveCheckpointPath,
  writeCheckpoint,
} from './checkpoint.ts';
import type { CheckpointState } from './checkpoint.ts';
import { ChunkStore, SingleValue, singleChunkKey, type ChunkSlice } from './chunk-store.ts';
import { defined } from './defined.ts';
import { detachViews } from './detach.ts';
import { checkArgument, isInsertEntry, isPriority, REPLAY_ARGUMENTS } from './replay-arguments.ts';
import type { ReplayOptions } from './replay-options.ts';
import { createRng } from './rng.ts';
import { NO_SLICES, Table, type HeldItem } from './table.ts';
import { validateTables } from './table-config.ts';
import type {
  InsertEntry,
  InsertOptions,
  Priorities,
  PriorityUpdates,
  ReplayInfo,
  SampledItem,
  SampleOptions,
  TrajectoryWrite,
} from './types.ts';
import { thrownAsError } from '../errors/thrown.ts';

const STOPPING = 'The replay node is stopping; its waiting calls are cancelled.';

/**
 * Replay tables served over RPC. Build it through {@link ReplayNode}; a client of the
 * node's handle calls these methods.
 *
 * @typeParam Item - what `insert` takes and `sample` returns as each item's data (declare
 * it on the node: `new ReplayNode<Transition>(...)`); a trajectory writer's items hold
 * arrays of steps, so a table fed by writers is declared with `Step[]`
 *
 * @example
 * ```ts
 * const replay = program.addNode(new ReplayNode({ tables: [queueTable('q', 100)] }), 'replay');
 * // in an actor:   await replay.insert(step, { q: 1 });
 * // in a learner:  const batch = await replay.sample('q', 32);
 * ```
 */
export class ReplayService<Item = unknown> {
  readonly #tables = new Map<string, Table>();
  readonly #chunks = new ChunkStore();
  readonly #directory: string | undefined;
  #nextKey = 1;
  #nextCallTag = 1;
  #lastCheckpoint: string | undefined;
  #checkpointing: Promise<unknown> = Promise.resolve();

  /** @param options - the tables, and optionally a seed and checkpointing */
  constructor(options: ReplayOptions) {
    checkArgument('ReplayService', REPLAY_ARGUMENTS.options, options, 'options');
    const rng = createRng(options.seed);
    for (const config of validateTables(options.tables)) {
      this.#tables.set(config.name, new Table(config, { rng, chunks: this.#chunks }));
    }
    const node = currentNode();
    const checkpoint = options.checkpoint ?? {};
    this.#directory =
      checkpoint.directory ??
      (node === undefined
        ? undefined
        : join(node.context.workdir, 'replay', node.context.nodeId.replace(/[^\w.-]/g, '_')));
    const restoreFrom =
      checkpoint.restoreFrom ??
      (this.#directory === undefined ? undefined : latestCheckpoint(this.#directory));
    if (restoreFrom !== undefined) this.#restore(resolveCheckpointPath(restoreFrom));
    let timer: NodeJS.Timeout | undefined;
    if (checkpoint.everyMs !== undefined) {
      checkArgument(
        'ReplayService',
        REPLAY_ARGUMENTS.everyMs,
        checkpoint.everyMs,
        'options.checkpoint.everyMs',
      );
      timer = setInterval(() => {
        this.checkpoint().catch((error: unknown) => {
          console.error('launchpad-ts: periodic replay checkpoint failed:', error);
        });
      }, checkpoint.everyMs);
      // A periodic checkpoint alone must not keep a process alive.
      timer.unref();
    }
    node?.stop.addHandler(() => {
      clearInterval(timer);
      for (const table of this.#tables.values()) table.cancelAll(STOPPING);
    });
  }

  /**
   * Inserts `data` into each table named in `priorities`, with that priority, and
   * returns the item's key (the same in every table). Waits for each table's rate limiter.
   */
  async insert(data: Item, priorities: Priorities, options: InsertOptions = {}): Promise<number> {
    const targets = new Targets();
    this.#targets(targets, 'insert', priorities, undefined);
    const call: InsertCall = { options, waiting: [] };
    const key = this.#insertOne(data, targets, 0, call);
    if (call.waiting.length > 0) await Promise.all(call.waiting);
    return key;
  }

  /**
   * Inserts several items in one call, each into the tables of its own `priorities`, and
   * returns their keys in order. Every entry is checked before any is inserted, so a bad
   * entry inserts nothing. Waits for the rate limiters as `insert` does.
   */
  async insertMany(
    items: readonly InsertEntry<Item>[],
    options: InsertOptions = {},
  ): Promise<number[]> {
    checkArgument('insertMany', REPLAY_ARGUMENTS.items, items, 'items');
    const entries: readonly unknown[] = items;
    // Every item's tables and priorities, one after the other in one pair of arrays (no
    // array per item).
    const targets = new Targets();
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index];
      // Once per item: the test alone first, the words of a refusal only for one.
      if (!isInsertEntry(entry)) {
        checkArgument('insertMany', REPLAY_ARGUMENTS.entry, entry, `items[${index}]`);
      }
      this.#targets(targets, 'insertMany', (entry as InsertEntry<Item>).priorities, index);
    }
    // Only inserts that wait for a rate limiter make promises; most go in at once.
    const call: InsertCall = { options, waiting: [] };
    const keys = new Array<number>(entries.length);
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as InsertEntry<Item>;
      keys[index] = this.#insertOne(entry.data, targets, index, call);
    }
    if (call.waiting.length > 0) await Promise.all(call.waiting);
    return keys;
  }

  // Inserts an item over `data` (a single value, no chunk: no key string, no slice, no
  // map entry) into the tables of the call's entry `entry`; inserts that wait for a rate
  // limiter add their promise to the call's `waiting`. The value lives while an item
  // holds it.
  #insertOne(data: Item, targets: Targets, entry: number, call: InsertCall): number {
    const key = this.#nextKey++;
    const single = new SingleValue(detachViews(data));
    const end = targets.ends[entry] ?? 0;
    for (let target = entry === 0 ? 0 : (targets.ends[entry - 1] ?? 0); target < end; target++) {
      const table = defined(targets.tables[target], 'an insert target');
      const priority = targets.priorities[target] ?? 0;
      const inserted = table.insert(item(key, priority, NO_SLICES, single), call.options);
      if (inserted !== undefined) call.waiting.push(inserted);
    }
    return key;
  }

  /**
   * Samples `batchSize` items from `table` (with replacement), waiting for the rate
   * limiter as needed.
   */
  sample(table: string, batchSize = 1, options: SampleOptions = {}): Promise<SampledItem<Item>[]> {
    let target: Table;
    try {
      checkArgument('sample', REPLAY_ARGUMENTS.batchSize, batchSize, 'batchSize');
      target = this.#table(table);
    } catch (error) {
      // Not an async method (its promise carries a cancel hook), yet it fails the same way.
      return Promise.reject(thrownAsError(error));
    }
    // A call that its caller cancelled (an abort, a deadline) must not draw items later
    // for nobody: give it a tag of its own, and cancel its wait when the RPC call is.
    const tag = options.tag ?? `call-${String(this.#nextCallTag++)}`;
    // The table stores what insert() was given, so its items are `Item`s.
    const sampled = target.sample(batchSize, { ...options, tag }) as
      SampledItem<Item>[] | Promise<SampledItem<Item>[]>;
    // Sampled at once: nothing waits, so there is nothing to cancel.
    if (Array.isArray(sampled)) return Promise.resolve(sampled);
    return withCancelHook(sampled, () => {
      target.cancel(tag, 'The sample call was cancelled by its caller.');
    });
  }

  /** Sets the priority of items of `table`; returns how many of the keys were held. */
  updatePriorities(table: string, updates: PriorityUpdates): number {
    const target = this.#table(table);
    const pairs = updates instanceof Map ? [...updates] : (updates as [number, number][]);
    for (const [, priority] of pairs) checkPriority('updatePriorities', priority, table, undefined);
    return target.updatePriorities(pairs);
  }

  /** Deletes items of `table` by key; returns how many were held. */
  delete(table: string, keys: readonly number[]): number {
    return this.#table(table).delete(keys);
  }

  /** Sizes, counters and rate limiter state of every table. */
  info(): ReplayInfo {
    return {
      tables: [...this.#tables.values()].map((table) => table.info()),
      chunks: this.#chunks.size,
      lastCheckpoint: this.#lastCheckpoint,
    };
  }

  /** Cancels this node's waiting `sample` calls tagged `tag` (a sample stream ended). */
  cancelSamples(tag: string): number {
    let cancelled = 0;
    for (const table of this.#tables.values()) {
      cancelled += table.cancel(tag, `Sample calls tagged "${tag}" were cancelled.`);
    }
    return cancelled;
  }

  /**
   * Used by {@link TrajectoryWriter}: stores new chunks, creates items over slices of
   * chunks, and keeps the chunks the writer may still reference. Returns the new keys.
   */
  async writeTrajectory(write: TrajectoryWrite): Promise<number[]> {
    for (const chunk of write.chunks) {
      this.#chunks.add(chunk.key, detachViews([...chunk.steps]) as unknown[]);
    }
    const created: { key: number; inserts: Promise<void>[] }[] = [];
    try {
      for (const request of write.items) {
        const targets = new Targets();
        this.#targets(targets, 'writeTrajectory', request.priorities, undefined);
        this.#chunks.check(request.slices);
        const key = this.#nextKey++;
        const options = write.timeoutMs === undefined ? {} : { timeoutMs: write.timeoutMs };
        const inserts: Promise<void>[] = [];
        for (let target = 0; target < targets.tables.length; target++) {
          const table = defined(targets.tables[target], 'an insert target');
          const priority = targets.priorities[target] ?? 0;
          const inserted = table.insert(item(key, priority, request.slices, undefined), options);
          if (inserted !== undefined) inserts.push(inserted);
        }
        created.push({ key, inserts });
      }
    } finally {
      this.#chunks.pin(write.writerId, write.keep);
      this.#chunks.dropUnused(write.chunks.map((chunk) => chunk.key));
    }
    await Promise.all(created.flatMap((entry) => entry.inserts));
    return created.map((entry) => entry.key);
  }

  /** Releases every chunk a trajectory writer kept (it closed). */
  releaseWriter(writerId: string): void {
    this.#chunks.unpinAll(writerId);
  }

  /** Writes a checkpoint of every table and returns its path. */
  checkpoint(): Promise<string> {
    const directory = this.#directory;
    if (directory === undefined) {
      return Promise.reject(
        new LaunchpadError(
          'FAILED_PRECONDITION',
          'This ReplayService runs outside a node and was given no checkpoint.directory; ' +
            'set options.checkpoint.directory to checkpoint it.',
        ),
      );
    }
    // The state is captured now, synchronously, so the checkpoint is consistent; writes
    // are chained so two checkpoints never race on the disk.
    const singles = new Map<number, unknown>();
    const tables = [...this.#tables.values()].map((table) => table.snapshot(singles));
    const state: CheckpointState = {
      createdAt: Date.now(),
      nextKey: this.#nextKey,
      chunks: [
        ...this.#chunks.referenced(),
        ...[...singles].map(([key, value]): [string, unknown[]] => [singleChunkKey(key), [value]]),
      ],
      tables,
    };
    const written = this.#checkpointing.then(() => writeCheckpoint(directory, state));
    this.#checkpointing = written.catch(() => undefined);
    return written.then((path) => (this.#lastCheckpoint = path));
  }

  #restore(path: string): void {
    const state = readCheckpoint(path);
    for (const snapshot of state.tables) {
      if (!this.#tables.has(snapshot.name)) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Replay checkpoint ${path} holds table "${snapshot.name}", which this node does not ` +
            `configure (its tables: ${[...this.#tables.keys()].join(', ')}); add the table or ` +
            'restore another checkpoint.',
        );
      }
    }
    for (const [key, steps] of state.chunks) this.#chunks.add(key, steps);
    const singles = new Map<number, SingleValue>();
    for (const snapshot of state.tables) this.#table(snapshot.name).restore(snapshot, singles);
    // Chunks that no restored item references are not needed.
    this.#chunks.dropUnused(state.chunks.map(([key]) => key));
    this.#nextKey = Math.max(this.#nextKey, state.nextKey);
    this.#lastCheckpoint = path;
  }

  #table(name: string): Table {
    const table = this.#tables.get(name);
    if (table === undefined) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `No table "${name}" in this replay node; its tables are: ${[...this.#tables.keys()].join(', ')}.`,
      );
    }
    return table;
  }

  /**
   * Checks an item's `priorities` and appends its tables and priorities to `targets`.
   * `entry` is the item's index in `insertMany`'s items, or `undefined` when the priorities
   * are the argument `priorities` itself; the path that names them in a refusal is made
   * only for a refusal (not a string per item).
   */
  #targets(
    targets: Targets,
    method: string,
    priorities: Priorities,
    entry: number | undefined,
  ): void {
    const given: unknown = priorities;
    if (typeof given !== 'object' || given === null) {
      checkArgument(method, REPLAY_ARGUMENTS.priorities, priorities, path(entry) ?? 'priorities');
    }
    let count = 0;
    for (const name in priorities) {
      if (!Object.hasOwn(priorities, name)) continue;
      const priority = priorities[name];
      checkPriority(method, priority, name, entry);
      targets.tables.push(this.#table(name));
      targets.priorities.push(priority);
      count++;
    }
    targets.ends.push(targets.tables.length);
    if (count === 0) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        `${method}: an item needs at least one table: pass priorities as { tableName: priority }${where(path(entry))}.`,
      );
    }
  }
}

/**
 * Tables and priorities of the items of one call, one after the other: item i's run ends
 * at `ends[i]`.
 */
class Targets {
  readonly tables: Table[] = [];
  readonly priorities: number[] = [];
  readonly ends: number[] = [];
}

/** What the inserts of one call share: their options, and the promises of those that wait. */
interface InsertCall {
  readonly options: InsertOptions;
  readonly waiting: Promise<void>[];
}

function item(
  key: number,
  priority: number,
  slices: readonly ChunkSlice[],
  single: SingleValue | undefined,
): HeldItem {
  return { key, priority, timesSampled: 0, slices, single, samplerPlace: -1, removerPlace: -1 };
}

// Where the priorities of insertMany's item `entry` are.
function path(entry: number | undefined): string | undefined {
  return entry === undefined ? undefined : `items[${entry}].priorities`;
}

// `entry` is the index of insertMany's item whose priorities these are, if any.
function checkPriority(
  method: string,
  priority: unknown,
  table: string,
  entry: number | undefined,
): asserts priority is number {
  // Once per item and table: the test alone first, the words of a refusal only for one.
  if (isPriority(priority)) return;
  const name = `the priority for table "${table}${where(path(entry))}"`;
  checkArgument(method, REPLAY_ARGUMENTS.priority, priority, name);
}

// Where priorities found at `path` are, after a table's name: `t (items[1].priorities)`.
function where(path: string | undefined): string {
  return path === undefined ? '' : ` (${path})`;
}

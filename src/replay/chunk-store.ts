/**
 * @module
 * {@link ChunkStore}: the data behind items. A chunk is a run of consecutive steps sent
 * once; items reference slices of chunks, so an item over the last N steps costs a few
 * references, not a copy. A chunk lives while an item references it or a trajectory
 * writer keeps it for items to come.
 *
 * A value inserted whole (`insert`, `insertMany`) is no chunk: it is a {@link SingleValue}
 * that its items (one per table) share by reference, without a key string, a slice or a
 * map entry of its own; the store only counts the ones some item holds.
 */
import { LaunchpadError } from '../errors/errors.ts';

/** A slice of a chunk: `length` steps from `offset`. */
export interface ChunkSlice {
  /** The chunk's key. */
  readonly chunk: string;
  /** The first step of the slice within the chunk. */
  readonly offset: number;
  /** How many steps. */
  readonly length: number;
}

/**
 * One value inserted whole, shared by the items made of it (one per table it went into).
 * It lives while an item holds it; {@link ChunkStore.size} counts it as one chunk.
 */
export class SingleValue {
  /** Items holding the value. */
  refs = 0;
  /** @param value - the inserted value */
  constructor(readonly value: unknown) {}
}

/** The chunk key a single value is checkpointed under (the checkpoint format predates single values). */
export const singleChunkKey = (itemKey: number): string => `i${itemKey}`;

interface Chunk {
  readonly steps: readonly unknown[];
  refs: number;
  pins: number;
}

/** Chunks by key, reference-counted by items and pinned by writers. */
export class ChunkStore {
  readonly #chunks = new Map<string, Chunk>();
  readonly #pinsByWriter = new Map<string, Set<string>>();
  // Single values some item holds.
  #singles = 0;

  /** How many chunks are held, single values held by items included. */
  get size(): number {
    return this.#chunks.size + this.#singles;
  }

  /** Counts one more item holding `single`. */
  acquireSingle(single: SingleValue): void {
    if (single.refs++ === 0) this.#singles++;
  }

  /** Counts one item fewer holding `single`; no item left, it is no longer held. */
  releaseSingle(single: SingleValue): void {
    if (--single.refs === 0) this.#singles--;
  }

  /** Adds a chunk (a no-op if the key is already held, as after a retried call). */
  add(key: string, steps: readonly unknown[]): void {
    if (!this.#chunks.has(key)) this.#chunks.set(key, { steps, refs: 0, pins: 0 });
  }

  /**
   * Checks that every slice lies inside a held chunk.
   * @throws LaunchpadError `INVALID_ARGUMENT` naming the bad slice
   */
  check(slices: readonly ChunkSlice[]): void {
    for (const slice of slices) {
      const chunk = this.#chunks.get(slice.chunk);
      if (chunk === undefined) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `An item references chunk "${slice.chunk}", which the replay node does not hold: ` +
            'it was never sent, or no item and no writer kept it. Create items only over ' +
            "steps within the writer's maxHistory.",
        );
      }
      if (
        slice.offset < 0 ||
        slice.length < 1 ||
        slice.offset + slice.length > chunk.steps.length
      ) {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `An item references steps ${slice.offset}..${slice.offset + slice.length - 1} of chunk ` +
            `"${slice.chunk}", which holds ${chunk.steps.length} steps.`,
        );
      }
    }
  }

  /** Counts one more item referencing each slice's chunk. */
  acquire(slices: readonly ChunkSlice[]): void {
    for (const slice of slices) {
      const chunk = this.#chunks.get(slice.chunk);
      if (chunk !== undefined) chunk.refs++;
    }
  }

  /** Counts one item fewer for each slice's chunk, freeing chunks no one needs. */
  release(slices: readonly ChunkSlice[]): void {
    for (const slice of slices) {
      const chunk = this.#chunks.get(slice.chunk);
      if (chunk === undefined) continue;
      chunk.refs--;
      this.#freeIfUnused(slice.chunk, chunk);
    }
  }

  /** Replaces the set of chunks `writer` keeps for its future items. */
  pin(writer: string, keys: readonly string[]): void {
    const next = new Set(keys.filter((key) => this.#chunks.has(key)));
    for (const key of next) {
      const chunk = this.#chunks.get(key);
      if (chunk !== undefined) chunk.pins++;
    }
    this.unpinAll(writer);
    if (next.size > 0) this.#pinsByWriter.set(writer, next);
  }

  /** Drops every chunk `writer` kept (the writer closed or ended its episode). */
  unpinAll(writer: string): void {
    const previous = this.#pinsByWriter.get(writer);
    if (previous === undefined) return;
    this.#pinsByWriter.delete(writer);
    for (const key of previous) {
      const chunk = this.#chunks.get(key);
      if (chunk === undefined) continue;
      chunk.pins--;
      this.#freeIfUnused(key, chunk);
    }
  }

  /** Frees the chunks among `keys` that no item references and no writer keeps. */
  dropUnused(keys: readonly string[]): void {
    for (const key of keys) {
      const chunk = this.#chunks.get(key);
      if (chunk !== undefined) this.#freeIfUnused(key, chunk);
    }
  }

  /** Frees chunk `key` if no item references it and no writer keeps it. */
  dropIfUnused(key: string): void {
    const chunk = this.#chunks.get(key);
    if (chunk !== undefined) this.#freeIfUnused(key, chunk);
  }

  /** The steps the slices cover, in order. */
  read(slices: readonly ChunkSlice[]): unknown[] {
    const steps: unknown[] = [];
    for (const slice of slices) {
      const chunk = this.#chunks.get(slice.chunk);
      if (chunk === undefined) continue;
      for (let i = slice.offset; i < slice.offset + slice.length; i++) steps.push(chunk.steps[i]);
    }
    return steps;
  }

  /** Every chunk some item references, for a checkpoint (writer pins are not kept). */
  referenced(): [string, readonly unknown[]][] {
    return [...this.#chunks]
      .filter(([, chunk]) => chunk.refs > 0)
      .map(([key, c]) => [key, c.steps]);
  }

  #freeIfUnused(key: string, chunk: Chunk): void {
    if (chunk.refs <= 0 && chunk.pins <= 0) this.#chunks.delete(key);
  }
}

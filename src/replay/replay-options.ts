/**
 * @module
 * {@link ReplayOptions}: what a replay node is given.
 */
import type { TableConfig } from './table-config.ts';

/** Where and when a replay node checkpoints, and what it restores from. */
export interface CheckpointOptions {
  /**
   * The directory checkpoints are written to. A node starting with checkpoints in it
   * restores the newest (a restarted node picks up where it left off).
   * @default `<launch workdir>/replay/<node id>`
   */
  readonly directory?: string;
  /** Write a checkpoint every this many milliseconds. @default never (only on request) */
  readonly everyMs?: number;
  /**
   * A checkpoint file, or a directory of them (the newest is used), to restore at start,
   * e.g. from an earlier launch. A file that is not an intact checkpoint fails the node.
   */
  readonly restoreFrom?: string;
}

/**
 * The options of a replay node.
 *
 * @example
 * ```ts
 * const options: ReplayOptions = {
 *   tables: [queueTable('queue', 1_000)],
 *   checkpoint: { everyMs: 60_000 },
 * };
 * ```
 */
export interface ReplayOptions {
  /** The node's tables. */
  readonly tables: readonly TableConfig[];
  /** Seeds the samplers' random numbers, for reproducible runs. @default random */
  readonly seed?: number;
  /** Checkpointing; without it, checkpoints go to the launch's workdir on request only. */
  readonly checkpoint?: CheckpointOptions;
}

/**
 * @module
 * The checkpoint files of a replay node: the shared checkpoint format
 * (`checkpoint/checkpoint-file.ts`) with the replay's magic, and the replay state it holds.
 */
import {
  decodeCheckpointFile,
  encodeCheckpointFile,
  latestCheckpointFile,
  readCheckpointFile,
  refuseCheckpoint,
  resolveCheckpointSource,
  writeCheckpointFile,
  type CheckpointFormat,
} from '../checkpoint/checkpoint-file.ts';
import type { TableSnapshot } from './table.ts';

/** The first 8 bytes of every replay checkpoint. */
export const CHECKPOINT_MAGIC = 'LPREPLAY';
/** The format version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;
/** The file extension of checkpoints. */
export const CHECKPOINT_EXTENSION = '.lpreplay';

/** Everything a replay node needs to come back as it was. */
export interface CheckpointState {
  /** When the checkpoint was taken, in ms since the epoch. */
  readonly createdAt: number;
  /** The next item key the node would have given. */
  readonly nextKey: number;
  /** Chunks referenced by items: `[key, steps]`. */
  readonly chunks: readonly (readonly [string, readonly unknown[]])[];
  /** Each table's items and counters. */
  readonly tables: readonly TableSnapshot[];
}

const REPLAY_FORMAT: CheckpointFormat = {
  magic: CHECKPOINT_MAGIC,
  version: CHECKPOINT_VERSION,
  extension: CHECKPOINT_EXTENSION,
  what: 'replay checkpoint',
  remedy:
    'pass the path of an intact file written by ReplayService.checkpoint(), or remove this one to start empty',
};

/** Encodes a state as checkpoint bytes: header then payload. */
export function encodeCheckpoint(state: CheckpointState): Buffer {
  return encodeCheckpointFile(REPLAY_FORMAT, state);
}

function checkState(state: unknown, source: string): CheckpointState {
  const shape = state as Partial<CheckpointState> | null;
  if (
    typeof shape !== 'object' ||
    shape === null ||
    typeof shape.nextKey !== 'number' ||
    !Array.isArray(shape.chunks) ||
    !Array.isArray(shape.tables)
  ) {
    refuseCheckpoint(REPLAY_FORMAT, source, 'its payload is not a replay state');
  }
  return shape as CheckpointState;
}

/**
 * Decodes checkpoint bytes, checking magic, version, length and checksum first.
 * @throws LaunchpadError `INVALID_ARGUMENT` saying what is wrong with the file
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): CheckpointState {
  return checkState(decodeCheckpointFile(REPLAY_FORMAT, bytes, source), source);
}

/** Reads and checks a checkpoint file. */
export function readCheckpoint(path: string): CheckpointState {
  return checkState(readCheckpointFile(REPLAY_FORMAT, path), path);
}

/** The newest checkpoint file in `directory`, or `undefined` when there is none. */
export function latestCheckpoint(directory: string): string | undefined {
  return latestCheckpointFile(directory, CHECKPOINT_EXTENSION);
}

/** Writes a new checkpoint file into `directory` and returns its path. */
export function writeCheckpoint(directory: string, state: CheckpointState): Promise<string> {
  return writeCheckpointFile(REPLAY_FORMAT, directory, state.createdAt, state);
}

/**
 * The replay checkpoint to restore from `path`: the file itself, or the newest one in a
 * directory.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for a directory holding no replay checkpoint
 */
export function resolveCheckpointPath(path: string): string {
  return resolveCheckpointSource(REPLAY_FORMAT, path);
}

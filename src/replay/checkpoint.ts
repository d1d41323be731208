/**
 * @module
 * The checkpoint file format of a replay node, and reading and writing it safely.
 *
 * A file is a 56-byte header then a MessagePack payload. The header holds a magic
 * string (bytes 0–7, so a foreign file is recognised at once), a format version (8–11, so
 * a future format is refused rather than misread), four reserved bytes that must be zero
 * (12–15), and the payload's length (16–23) and SHA-256 (24–55), so a truncated or
 * corrupted file is refused rather than restored wrong. Every byte is checked: no
 * corruption of the file, anywhere, is accepted. Files are written under a
 * temporary name and renamed, so a crash mid-write never leaves a half file behind a
 * checkpoint name, and no existing file is ever overwritten.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LaunchpadError } from '../errors.ts';
import { decode, encode } from '../rpc/codec.ts';
import type { TableSnapshot } from './table.ts';

/** The first 8 bytes of every replay checkpoint. */
export const CHECKPOINT_MAGIC = 'LPREPLAY';
/** The format version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;
/** The file extension of checkpoints. */
export const CHECKPOINT_EXTENSION = '.lpreplay';
const HEADER_BYTES = 56;
// Bytes 12–15: reserved for a future format, zero in version 1.
const RESERVED_START = 12;
const RESERVED_END = 16;

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

/** Encodes a state as checkpoint bytes: header then payload. */
export function encodeCheckpoint(state: CheckpointState): Buffer {
  const payload = encode(state);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(CHECKPOINT_MAGIC, 0, 'latin1');
  header.writeUInt32BE(CHECKPOINT_VERSION, 8);
  header.writeBigUInt64BE(BigInt(payload.length), 16);
  createHash('sha256').update(payload).digest().copy(header, 24);
  return Buffer.concat([header, payload]);
}

function refuse(source: string, problem: string): never {
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Refusing to restore replay checkpoint ${source}: ${problem}. Nothing was restored or ` +
      'overwritten; pass the path of an intact file written by ReplayService.checkpoint(), ' +
      'or remove this one to start empty.',
  );
}

/**
 * Decodes checkpoint bytes, checking magic, version, length and checksum first.
 * @throws LaunchpadError `INVALID_ARGUMENT` saying what is wrong with the file
 */
export function decodeCheckpoint(bytes: Uint8Array, source: string): CheckpointState {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) {
    refuse(
      source,
      `it is not a launchpad-ts replay checkpoint (it does not start with "${CHECKPOINT_MAGIC}")`,
    );
  }
  const version = buffer.readUInt32BE(8);
  if (version !== CHECKPOINT_VERSION) {
    refuse(
      source,
      `its format version is ${version}, and this launchpad-ts reads version ${CHECKPOINT_VERSION}`,
    );
  }
  // Reserved bytes are covered by no checksum, so a corruption there is caught only here.
  if (buffer.subarray(RESERVED_START, RESERVED_END).some((byte) => byte !== 0)) {
    refuse(
      source,
      `its header bytes ${RESERVED_START}–${RESERVED_END - 1} are not zero (the header is corrupt)`,
    );
  }
  const length = Number(buffer.readBigUInt64BE(16));
  if (buffer.length - HEADER_BYTES !== length) {
    refuse(
      source,
      `its header announces ${length} payload bytes but it holds ${buffer.length - HEADER_BYTES} (truncated or appended to)`,
    );
  }
  const payload = buffer.subarray(HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(buffer.subarray(24, 56))) {
    refuse(source, 'its checksum does not match its contents (the file is corrupt)');
  }
  let state: unknown;
  try {
    state = decode(payload);
  } catch (error) {
    refuse(source, `its payload cannot be decoded (${String(error)})`);
  }
  const shape = state as Partial<CheckpointState> | null;
  if (
    typeof shape !== 'object' ||
    shape === null ||
    typeof shape.nextKey !== 'number' ||
    !Array.isArray(shape.chunks) ||
    !Array.isArray(shape.tables)
  ) {
    refuse(source, 'its payload is not a replay state');
  }
  return shape as CheckpointState;
}

/** Reads and checks a checkpoint file. */
export function readCheckpoint(path: string): CheckpointState {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Cannot read replay checkpoint ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); pass the path of a checkpoint file or directory.`,
      { cause: error },
    );
  }
  return decodeCheckpoint(bytes, path);
}

/** The newest checkpoint file in `directory`, or `undefined` when there is none. */
export function latestCheckpoint(directory: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return undefined;
  }
  // Names start with a zero-padded timestamp, so the greatest name is the newest file.
  const newest = names
    .filter((name) => name.endsWith(CHECKPOINT_EXTENSION))
    .sort()
    .at(-1);
  return newest === undefined ? undefined : join(directory, newest);
}

let sequence = 0;

/** Writes a new checkpoint file into `directory` and returns its path. */
export async function writeCheckpoint(directory: string, state: CheckpointState): Promise<string> {
  await mkdir(directory, { recursive: true });
  const stamp = String(state.createdAt).padStart(15, '0');
  const name = `checkpoint-${stamp}-${process.pid}-${String(sequence++).padStart(6, '0')}`;
  const path = join(directory, name + CHECKPOINT_EXTENSION);
  const temporary = join(directory, `.${name}.tmp`);
  // 'wx' fails rather than overwrite; the final name is checked before the rename too.
  await writeFile(temporary, encodeCheckpoint(state), { flag: 'wx' });
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new LaunchpadError('INTERNAL', `Checkpoint ${path} already exists; not overwriting it.`);
  }
  await rename(temporary, path);
  return path;
}

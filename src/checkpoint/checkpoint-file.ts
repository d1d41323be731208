/**
 * @module
 * The checkpoint file format shared by every checkpoint of launchpad-ts (replay nodes,
 * service state), and reading and writing it safely.
 *
 * A file is a 56-byte header then a MessagePack payload. The header holds a magic
 * string (so a foreign file is recognised at once), a format version (so a future format
 * is refused rather than misread) and the payload's length and SHA-256 (so a truncated or
 * corrupted file is refused rather than restored wrong). Files are written under a
 * temporary name and renamed, so a crash mid-write never leaves a half file behind a
 * checkpoint name, and no existing file is ever overwritten.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LaunchpadError } from '../errors/errors.ts';
import { decode, encode } from '../rpc/codec.ts';

/** What tells one kind of checkpoint from another, and how to talk about it. */
export interface CheckpointFormat {
  /** Exactly 8 Latin-1 characters at the start of every file. */
  readonly magic: string;
  /** The format version written and read. */
  readonly version: number;
  /** The file extension, e.g. `.lpreplay`. */
  readonly extension: string;
  /** What the file is, in messages, e.g. `replay checkpoint`. */
  readonly what: string;
  /** What to do instead when a file is refused, in messages. */
  readonly remedy: string;
}

const HEADER_BYTES = 56;
// Bytes 12–15: reserved for a future format, zero in version 1.
const RESERVED_START = 12;
const RESERVED_END = 16;

/** Encodes `payload` as checkpoint bytes: header then MessagePack. */
export function encodeCheckpointFile(format: CheckpointFormat, payload: unknown): Buffer {
  const body = encode(payload);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(format.magic, 0, 'latin1');
  header.writeUInt32BE(format.version, 8);
  header.writeBigUInt64BE(BigInt(body.length), 16);
  createHash('sha256').update(body).digest().copy(header, 24);
  return Buffer.concat([header, body]);
}

/** Throws the error that refuses a checkpoint file, saying what is wrong and what to do. */
export function refuseCheckpoint(format: CheckpointFormat, source: string, problem: string): never {
  throw new LaunchpadError(
    'INVALID_ARGUMENT',
    `Refusing to restore ${format.what} ${source}: ${problem}. Nothing was restored or ` +
      `overwritten; ${format.remedy}.`,
  );
}

/**
 * Decodes checkpoint bytes, checking magic, version, length and checksum first.
 * @throws LaunchpadError `INVALID_ARGUMENT` saying what is wrong with the file
 */
export function decodeCheckpointFile(
  format: CheckpointFormat,
  bytes: Uint8Array,
  source: string,
): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.toString('latin1', 0, 8) !== format.magic) {
    refuseCheckpoint(
      format,
      source,
      `it is not a launchpad-ts ${format.what} (it does not start with "${format.magic}")`,
    );
  }
  const version = buffer.readUInt32BE(8);
  if (version !== format.version) {
    refuseCheckpoint(
      format,
      source,
      `its format version is ${version}, and this launchpad-ts reads version ${format.version}`,
    );
  }
  // Reserved bytes are covered by no checksum, so a corruption there is caught only here.
  if (buffer.subarray(RESERVED_START, RESERVED_END).some((byte) => byte !== 0)) {
    refuseCheckpoint(
      format,
      source,
      `its header bytes ${RESERVED_START}–${RESERVED_END - 1} are not zero (the header is corrupt)`,
    );
  }
  const length = Number(buffer.readBigUInt64BE(16));
  if (buffer.length - HEADER_BYTES !== length) {
    refuseCheckpoint(
      format,
      source,
      `its header announces ${length} payload bytes but it holds ${buffer.length - HEADER_BYTES} (truncated or appended to)`,
    );
  }
  const payload = buffer.subarray(HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(buffer.subarray(24, 56))) {
    refuseCheckpoint(
      format,
      source,
      'its checksum does not match its contents (the file is corrupt)',
    );
  }
  try {
    return decode(payload);
  } catch (error) {
    refuseCheckpoint(format, source, `its payload cannot be decoded (${String(error)})`);
  }
}

/** Reads and checks a checkpoint file; returns its decoded payload. */
export function readCheckpointFile(format: CheckpointFormat, path: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `Cannot read ${format.what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); pass the path of a checkpoint file or directory.`,
      { cause: error },
    );
  }
  return decodeCheckpointFile(format, bytes, path);
}

/** The newest file with `extension` in `directory`, or `undefined` when there is none. */
export function latestCheckpointFile(directory: string, extension: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return undefined;
  }
  // Names start with a zero-padded timestamp, so the greatest name is the newest file.
  const newest = names
    .filter((name) => name.endsWith(extension))
    .sort()
    .at(-1);
  return newest === undefined ? undefined : join(directory, newest);
}

let sequence = 0;

function fileNames(
  format: CheckpointFormat,
  directory: string,
  createdAt: number,
): { path: string; temporary: string } {
  const stamp = String(createdAt).padStart(15, '0');
  const name = `checkpoint-${stamp}-${process.pid}-${String(sequence++).padStart(6, '0')}`;
  return {
    path: join(directory, name + format.extension),
    temporary: join(directory, `.${name}.tmp`),
  };
}

function refuseOverwrite(path: string): never {
  throw new LaunchpadError('INTERNAL', `Checkpoint ${path} already exists; not overwriting it.`);
}

/** Writes a new checkpoint file into `directory` and returns its path. */
export async function writeCheckpointFile(
  format: CheckpointFormat,
  directory: string,
  createdAt: number,
  payload: unknown,
): Promise<string> {
  await mkdir(directory, { recursive: true });
  const { path, temporary } = fileNames(format, directory, createdAt);
  // 'wx' fails rather than overwrite; the final name is checked before the rename too.
  await writeFile(temporary, encodeCheckpointFile(format, payload), { flag: 'wx' });
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) refuseOverwrite(path);
  await rename(temporary, path);
  return path;
}

/**
 * {@link writeCheckpointFile}, synchronously: for the checkpoint taken as a node stops,
 * which must be on disk before its process may exit.
 */
export function writeCheckpointFileSync(
  format: CheckpointFormat,
  directory: string,
  createdAt: number,
  payload: unknown,
): string {
  mkdirSync(directory, { recursive: true });
  const { path, temporary } = fileNames(format, directory, createdAt);
  writeFileSync(temporary, encodeCheckpointFile(format, payload), { flag: 'wx' });
  if (existsSync(path)) refuseOverwrite(path);
  renameSync(temporary, path);
  return path;
}

/**
 * The checkpoint to restore from `path`: the path itself when it is a file (or missing, so
 * that reading it reports why), else the newest checkpoint of `format` in that directory.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` for a directory holding no such checkpoint
 */
export function resolveCheckpointSource(format: CheckpointFormat, path: string): string {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // A missing path is reported by readCheckpointFile with its reason.
  }
  if (!isDirectory) return path;
  const latest = latestCheckpointFile(path, format.extension);
  if (latest === undefined) {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      `No ${format.what} (*${format.extension}) in directory ${path}; pass a checkpoint file or a directory holding one.`,
    );
  }
  return latest;
}

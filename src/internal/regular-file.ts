/**
 * @module
 * Reading files that someone else may have placed: the launch registry's records and a
 * launch's history. Each is opened without following a symbolic link at its last
 * component and without blocking (a FIFO named `x.json` would otherwise hang the reader
 * until someone writes to it), then refused unless it is a regular file; a small file is
 * read whole only up to a bound, and a large one is read in chunks, line by line, so no
 * file can make a reader hold more than a chunk and one line of it.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file was not read: it is missing, not a regular file, too large, or unreadable. */
export class FileRefused extends Error {
  /** The file. */
  readonly path: string;
  /** `ENOENT` when there is no such file, else the refusal's kind. */
  readonly code: 'ENOENT' | 'NOT_REGULAR' | 'TOO_LARGE' | 'UNREADABLE';

  /**
   * @param path - the file
   * @param code - why
   * @param message - what was wrong, in words
   */
  constructor(path: string, code: FileRefused['code'], message: string) {
    super(message);
    this.name = 'FileRefused';
    this.path = path;
    this.code = code;
  }
}

/**
 * Opens `path` for reading if it is a regular file (not a symbolic link, FIFO, device or
 * directory), and returns its descriptor and size; the caller closes the descriptor.
 *
 * @throws FileRefused when it is missing, not a regular file, or cannot be opened
 */
export function openRegularFile(path: string): { readonly fd: number; readonly size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileRefused(path, 'ENOENT', 'no such file');
    // O_NOFOLLOW on a symbolic link fails with ELOOP.
    if (code === 'ELOOP') throw new FileRefused(path, 'NOT_REGULAR', 'a symbolic link');
    throw new FileRefused(path, 'UNREADABLE', (error as Error).message);
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    closeSync(fd);
    throw new FileRefused(path, 'NOT_REGULAR', 'not a regular file');
  }
  return { fd, size: stats.size };
}

/**
 * The text of the regular file `path`, at most `maxBytes` long.
 *
 * @throws FileRefused when it is missing, not a regular file, larger, or unreadable
 */
export function readSmallFile(path: string, maxBytes: number): string {
  const { fd, size } = openRegularFile(path);
  try {
    if (size > maxBytes) {
      throw new FileRefused(
        path,
        'TOO_LARGE',
        `${String(size)} bytes, more than the ${String(maxBytes)} such a file may have`,
      );
    }
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const count = readSync(fd, buffer, read, size - read, read);
      if (count === 0) break;
      read += count;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

// How much of a file is read at a time.
const CHUNK_BYTES = 1 << 20;

/**
 * Calls `visit` with each line of the regular file `path` (without its `\n`), first to
 * last, reading a chunk at a time. A line longer than `maxLineBytes` is skipped whole, so
 * one enormous line (or a file of zeros) costs time but never memory. A missing file has
 * no lines.
 *
 * @throws FileRefused when it is not a regular file or cannot be opened
 */
export function forEachLine(
  path: string,
  maxLineBytes: number,
  visit: (line: string) => void,
): void {
  let opened: { readonly fd: number; readonly size: number };
  try {
    opened = openRegularFile(path);
  } catch (error) {
    if (error instanceof FileRefused && error.code === 'ENOENT') return;
    throw error;
  }
  const { fd } = opened;
  const chunk = Buffer.alloc(CHUNK_BYTES);
  // The start of the current line, from earlier chunks; `skipping` once it is too long.
  let pieces: Buffer[] = [];
  let pending = 0;
  let skipping = false;
  try {
    for (;;) {
      const count = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (count === 0) break;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 || newline >= count ? count : newline;
        if (!skipping) {
          pending += end - start;
          if (pending > maxLineBytes) {
            skipping = true;
            pieces = [];
          } else if (end === count) {
            // The chunk is about to be overwritten: keep a copy of the line's start.
            pieces.push(Buffer.from(chunk.subarray(start, end)));
          } else {
            pieces.push(chunk.subarray(start, end));
          }
        }
        if (end === count) break;
        if (!skipping) {
          // A line within this chunk is decoded from it directly; one that began in an
          // earlier chunk is put together first.
          visit(
            pieces.length === 1 && pending === end - start
              ? chunk.toString('utf8', start, end)
              : Buffer.concat(pieces).toString('utf8'),
          );
        }
        pieces = [];
        pending = 0;
        skipping = false;
        start = end + 1;
      }
    }
    if (!skipping && pending > 0) visit(Buffer.concat(pieces).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/**
 * The last `count` lines of the regular file `path` (without their `\n`), read backwards
 * from its end a chunk at a time, so a long file costs only what is returned; at most
 * `maxScanBytes` are read. Lines longer than `maxLineBytes` are skipped, and `keep` may
 * refuse a line (a line it refuses does not count). A missing file has no lines.
 *
 * @throws FileRefused when it is not a regular file or cannot be opened
 */
export function lastLines(
  path: string,
  options: {
    readonly count: number;
    readonly maxLineBytes: number;
    readonly maxScanBytes: number;
    readonly keep: (line: string) => boolean;
  },
): string[] {
  let opened: { readonly fd: number; readonly size: number };
  try {
    opened = openRegularFile(path);
  } catch (error) {
    if (error instanceof FileRefused && error.code === 'ENOENT') return [];
    throw error;
  }
  const { fd, size } = opened;
  const found: string[] = [];
  const chunk = Buffer.alloc(CHUNK_BYTES);
  // The end of the current line, from later chunks, last piece first.
  let pieces: Buffer[] = [];
  let pending = 0;
  let skipping = false;
  const take = (): void => {
    if (!skipping && pending > 0) {
      const line = Buffer.concat(pieces.reverse()).toString('utf8');
      if (options.keep(line)) found.push(line);
    }
    pieces = [];
    pending = 0;
    skipping = false;
  };
  try {
    let position = size;
    const stop = Math.max(0, size - options.maxScanBytes);
    while (position > stop && found.length < options.count) {
      const length = Math.min(CHUNK_BYTES, position - stop);
      position -= length;
      const read = readSync(fd, chunk, 0, length, position);
      let end = read;
      while (end > 0 && found.length < options.count) {
        const newline = chunk.lastIndexOf(10, end - 1);
        const start = newline === -1 ? 0 : newline + 1;
        if (!skipping) {
          pending += end - start;
          if (pending > options.maxLineBytes) {
            skipping = true;
            pieces = [];
          } else {
            pieces.push(Buffer.from(chunk.subarray(start, end)));
          }
        }
        if (newline === -1) break;
        take();
        end = newline;
      }
    }
    // The file's first line, when the whole file was read.
    if (position === 0 && found.length < options.count) take();
  } finally {
    closeSync(fd);
  }
  return found.reverse();
}

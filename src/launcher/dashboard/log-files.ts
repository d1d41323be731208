/**
 * @module
 * Follows the per-node log files of the `output-to-files` mode (`<workdir>/logs/`), where
 * node output never passes through the launcher's streams, into the {@link LogTail}.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { nodeLogFile } from '../../protocol/colocation-protocol.ts';
import type { LogTail } from './log-tail.ts';

/** How often the files are read for new lines, in milliseconds. */
export const LOG_FILE_POLL_MS = 500;
// Read at most this much per file per poll, so a flood cannot stall the launcher.
const CHUNK_BYTES = 256 * 1024;
// The longest end of a line held back while its newline has not come.
const MAX_PARTIAL_CHARS = 64 * 1024;

/** Reads new lines of each node's log file into `tail` until the returned stop is called. */
export function followLogFiles(logDirectory: string, tail: LogTail): () => void {
  const files = tail.nodeIds.map((nodeId) => ({
    nodeId,
    path: nodeLogFile(logDirectory, nodeId),
    offset: 0,
    partial: '',
  }));
  const poll = (): void => {
    for (const file of files) {
      let size: number;
      try {
        size = statSync(file.path).size;
      } catch {
        continue;
      }
      if (size < file.offset) file.offset = 0;
      if (size === file.offset) continue;
      const length = Math.min(size - file.offset, CHUNK_BYTES);
      const buffer = Buffer.alloc(length);
      const fd = openSync(file.path, 'r');
      try {
        readSync(fd, buffer, 0, length, file.offset);
      } finally {
        closeSync(fd);
      }
      file.offset += length;
      const lines = (file.partial + buffer.toString('utf8')).split('\n');
      file.partial = lines.pop() ?? '';
      // A line without its end yet is held back, but never without bound.
      if (file.partial.length > MAX_PARTIAL_CHARS) {
        lines.push(file.partial);
        file.partial = '';
      }
      const t = new Date().toISOString();
      for (const text of lines) tail.add(file.nodeId, { t, stream: 'stdout', text });
    }
  };
  const timer = setInterval(poll, LOG_FILE_POLL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    poll();
  };
}

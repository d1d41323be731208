/**
 * @module
 * {@link LogTail}: the last lines each node printed, kept in a ring per node bounded in
 * lines and in bytes, and the subscribers that follow them live. A line longer than
 * {@link MAX_LINE_CHARS} is cut and marked so ({@link cutLine}), since one node printing
 * megabyte lines must not fill the launcher's memory.
 */

/** One line of a node's output, as the launch API serves it. */
export interface LogLine {
  /** When the launcher saw it (ISO 8601). */
  readonly t: string;
  /** Which of the node's streams. */
  readonly stream: 'stdout' | 'stderr';
  /** The line. */
  readonly text: string;
}

/** How many lines are kept per node unless told otherwise. */
export const DEFAULT_TAIL_LINES = 1_000;
/** How many bytes of lines (UTF-16, as held in memory) are kept per node unless told otherwise. */
export const DEFAULT_TAIL_BYTES = 2 * 1024 * 1024;
/** The longest line kept whole, in characters; a longer one is cut and marked. */
export const MAX_LINE_CHARS = 16 * 1024;
// Dropped lines leave the ring's array this many at a time.
const DROP_BATCH = 32;
// What a kept line costs besides its text (the object, its time and stream).
const LINE_OVERHEAD_BYTES = 96;

/**
 * `text` cut to {@link MAX_LINE_CHARS} and marked with how much was cut, or `text` itself
 * when it is short enough.
 */
export function cutLine(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  let end = MAX_LINE_CHARS;
  // Never half of a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  // A copy, not a slice: V8 keeps the whole of a string alive while a slice of it lives.
  const kept = Buffer.from(text.slice(0, end), 'utf16le').toString('utf16le');
  return `${kept} … [line cut: ${String(text.length - end)} more characters]`;
}

function bytesOf(line: LogLine): number {
  return line.text.length * 2 + LINE_OVERHEAD_BYTES;
}

/** The last lines of every node's output. */
export class LogTail {
  readonly #limit: number;
  readonly #byteLimit: number;
  readonly #lines = new Map<string, { lines: LogLine[]; first: number; bytes: number }>();
  readonly #listeners = new Set<(nodeId: string, line: LogLine) => void>();

  /**
   * @param nodeIds - the nodes whose output is kept
   * @param limit - lines kept per node; older ones are dropped
   * @param byteLimit - bytes of lines kept per node; older ones are dropped
   */
  constructor(
    nodeIds: readonly string[],
    limit = DEFAULT_TAIL_LINES,
    byteLimit = DEFAULT_TAIL_BYTES,
  ) {
    this.#limit = limit;
    this.#byteLimit = byteLimit;
    for (const id of nodeIds) this.#lines.set(id, { lines: [], first: 0, bytes: 0 });
  }

  /** Every node id, in the program's order. */
  get nodeIds(): readonly string[] {
    return [...this.#lines.keys()];
  }

  /** True when `nodeId` is one of the nodes kept. */
  has(nodeId: string): boolean {
    return this.#lines.has(nodeId);
  }

  /**
   * Adds a line of `nodeId` (ignored for an unknown node), cut if it is too long, and tells
   * every subscriber.
   */
  add(nodeId: string, given: LogLine): void {
    const ring = this.#lines.get(nodeId);
    if (ring === undefined) return;
    const text = cutLine(given.text);
    const line = text === given.text ? given : { ...given, text };
    ring.lines.push(line);
    ring.bytes += bytesOf(line);
    // Lines before `first` are dropped already; they leave the array in small batches,
    // which keeps the cost per line constant and what they hold soon freed.
    while (
      ring.lines.length - ring.first > this.#limit ||
      (ring.bytes > this.#byteLimit && ring.lines.length - ring.first > 1)
    ) {
      const oldest = ring.lines[ring.first];
      if (oldest === undefined) break;
      ring.bytes -= bytesOf(oldest);
      ring.first += 1;
    }
    if (ring.first >= DROP_BATCH) {
      ring.lines.splice(0, ring.first);
      ring.first = 0;
    }
    for (const listener of this.#listeners) listener(nodeId, line);
  }

  /** The last `count` lines of `nodeId` (all that are kept when `count` is larger). */
  tail(nodeId: string, count: number): readonly LogLine[] {
    const ring = this.#lines.get(nodeId);
    if (ring === undefined) return [];
    const kept = ring.lines.length - ring.first;
    return ring.lines.slice(ring.lines.length - Math.min(count, kept));
  }

  /** The bytes of lines `nodeId` holds now, as counted against the byte limit. */
  bytesKept(nodeId: string): number {
    return this.#lines.get(nodeId)?.bytes ?? 0;
  }

  /** Calls `listener` with every line added from now on; returns the unsubscribe. */
  subscribe(listener: (nodeId: string, line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}

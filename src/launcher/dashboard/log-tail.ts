/**
 * @module
 * {@link LogTail}: the last lines each node printed, kept in a bounded ring per node, and
 * the subscribers that follow them live.
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

/** The last lines of every node's output. */
export class LogTail {
  readonly #limit: number;
  readonly #lines = new Map<string, LogLine[]>();
  readonly #listeners = new Set<(nodeId: string, line: LogLine) => void>();

  /**
   * @param nodeIds - the nodes whose output is kept
   * @param limit - lines kept per node; older ones are dropped
   */
  constructor(nodeIds: readonly string[], limit = DEFAULT_TAIL_LINES) {
    this.#limit = limit;
    for (const id of nodeIds) this.#lines.set(id, []);
  }

  /** Every node id, in the program's order. */
  get nodeIds(): readonly string[] {
    return [...this.#lines.keys()];
  }

  /** True when `nodeId` is one of the nodes kept. */
  has(nodeId: string): boolean {
    return this.#lines.has(nodeId);
  }

  /** Adds a line of `nodeId` (ignored for an unknown node) and tells every subscriber. */
  add(nodeId: string, line: LogLine): void {
    const lines = this.#lines.get(nodeId);
    if (lines === undefined) return;
    lines.push(line);
    // Dropping in batches keeps the cost of a long tail constant per line.
    if (lines.length > this.#limit * 1.25) lines.splice(0, lines.length - this.#limit);
    for (const listener of this.#listeners) listener(nodeId, line);
  }

  /** The last `count` lines of `nodeId` (all that are kept when `count` is larger). */
  tail(nodeId: string, count: number): readonly LogLine[] {
    const lines = this.#lines.get(nodeId) ?? [];
    const kept = lines.slice(-this.#limit);
    return count >= kept.length ? kept : kept.slice(kept.length - count);
  }

  /** Calls `listener` with every line added from now on; returns the unsubscribe. */
  subscribe(listener: (nodeId: string, line: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}

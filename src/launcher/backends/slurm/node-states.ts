/**
 * @module
 * Each node's state as the Slurm launcher sees it (pending, running, done, failed), and
 * the one-line reports it prints when states change.
 */

/** A node's state in a cluster launch. */
export type NodeState = 'pending' | 'running' | 'done' | 'failed';

const ORDER: Record<NodeState, number> = { pending: 0, running: 1, done: 2, failed: 2 };

/** The states of a launch's nodes; they only move forward. */
export class NodeStates {
  readonly #states = new Map<string, NodeState>();
  readonly #report: (line: string) => void;

  /**
   * @param nodeIds - every node, all pending at first
   * @param report - prints one status line
   */
  constructor(nodeIds: readonly string[], report: (line: string) => void) {
    for (const id of nodeIds) this.#states.set(id, 'pending');
    this.#report = report;
  }

  /** Moves `nodeIds` to `state` (never backwards) and reports those that changed. */
  set(nodeIds: readonly string[], state: NodeState): void {
    const changed = nodeIds.filter((id) => {
      const current = this.#states.get(id);
      if (current === undefined || ORDER[current] >= ORDER[state]) return false;
      this.#states.set(id, state);
      return true;
    });
    if (changed.length > 0) this.#report(`${changed.join(', ')}: ${state}`);
  }

  /** The state of `nodeId`. */
  get(nodeId: string): NodeState | undefined {
    return this.#states.get(nodeId);
  }

  /** Nodes that have not ended. */
  unfinished(): string[] {
    return [...this.#states].filter(([, state]) => ORDER[state] < 2).map(([id]) => id);
  }

  /** True when some node has started running. */
  anyStarted(): boolean {
    return [...this.#states.values()].some((state) => state !== 'pending');
  }
}

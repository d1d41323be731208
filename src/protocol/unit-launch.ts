/**
 * @module
 * What starting a node process or thread takes, and how it ended, in forms that can be
 * sent to another process (a colocation host is asked to start its nodes this way).
 */
import type { LocalResources } from './local-resources.ts';
import type { ChildBootstrap } from './node-spec.ts';

/** How a node process or thread ended. */
export interface UnitExit {
  /** The exit code, or `null` when killed by a signal. */
  readonly code: number | null;
  /** The signal that killed it, if any. */
  readonly signal: string | null;
}

/** What one node needs to start, in a form that can be sent to another process. */
export interface UnitLaunch {
  /** The node's id. */
  readonly nodeId: string;
  /** Its position in the program, for colours. */
  readonly index: number;
  /** How it reaches the control plane. */
  readonly bootstrap: ChildBootstrap;
  /** Arguments for the node's `process.argv` (the launcher's own when it launched from the main script). */
  readonly args: readonly string[];
  /** Its local resources. */
  readonly resources: LocalResources;
}

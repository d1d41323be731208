/**
 * @module
 * A unit: one node process or thread as whoever started it sees it (the launcher, or a
 * colocation host).
 */
import type { UnitExit } from '../protocol/unit-launch.ts';

export type { UnitExit, UnitLaunch } from '../protocol/unit-launch.ts';

/**
 * A started run of a node (or a colocation), whoever started it and however: the one unit
 * type. `TEnd` is how its end is told: an exit status here, an exit status or a known
 * error to the launch session, the node's error (or none) to the supervisor.
 */
export interface Unit<TEnd> {
  /** Resolves when it has ended. */
  readonly exited: Promise<TEnd>;
  /** True until it has ended. */
  readonly running: boolean;
  /** Ends it at once (where it can be). */
  kill(): void;
}

/** A started node process or thread, before its exit is interpreted. */
export type StartedUnit = Unit<UnitExit>;

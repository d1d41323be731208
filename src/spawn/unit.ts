/**
 * @module
 * A unit: one node process or thread as whoever started it sees it (the launcher, or a
 * colocation host).
 */
import type { UnitExit } from '../protocol/unit-launch.ts';

export type { UnitExit, UnitLaunch } from '../protocol/unit-launch.ts';

/** A started node process or thread, before its exit is interpreted. */
export interface StartedUnit {
  /** Resolves when it has exited. */
  readonly exited: Promise<UnitExit>;
  /** True until it exits. */
  readonly running: boolean;
  /** Ends it at once. */
  kill(): void;
}

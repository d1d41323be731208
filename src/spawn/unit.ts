/**
 * @module
 * {@link Unit}: one run of a node (or a colocation) as whoever started it sees it: the
 * launcher, a colocation host, a cluster task. It is the one unit type, and
 * {@link unitEndingWith} the one way to make one.
 */
import type { UnitExit } from '../protocol/unit-launch.ts';

export type { UnitExit, UnitLaunch } from '../protocol/unit-launch.ts';

/**
 * A started run of a node (or a colocation), whoever started it and however. `TEnd` is
 * how its end is told: an exit status where a process or thread ends ({@link UnitExit}),
 * an exit status or a known error to the launch session ({@link UnitEnd}), the node's
 * error (or none) to the supervisor.
 */
export interface Unit<TEnd = UnitExit> {
  /** Resolves when it has ended. */
  readonly exited: Promise<TEnd>;
  /** True until it has ended. */
  readonly running: boolean;
  /** Ends it at once (where it can be). */
  kill(): void;
}

/**
 * How a unit ended: a process's exit status (read against the node's own failure report),
 * or an outcome already known (`error` unset for a clean end).
 */
export type UnitEnd = UnitExit | { readonly error: Error | undefined };

/**
 * A unit that ends when `end` settles and that `kill` ends at once.
 *
 * @param isRunning - whether it still runs, when that is not the same as `end` being
 * unsettled (a process that exited while its output is still being copied); by default,
 * until `end` settles
 */
export function unitEndingWith<TEnd>(
  end: Promise<TEnd>,
  kill: () => void,
  isRunning?: () => boolean,
): Unit<TEnd> {
  let settled = false;
  const exited = end.finally(() => {
    settled = true;
  });
  return {
    exited,
    get running() {
      return isRunning === undefined ? !settled : isRunning();
    },
    kill,
  };
}

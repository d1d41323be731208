/**
 * @module
 * {@link unitEndingWith}: the one way the session's backends and the Python units turn a
 * promise of a unit's end into a {@link BackendUnit}. It lives apart from the launch
 * session, which imports the Python units, so that neither imports the other at run time.
 */
import type { BackendUnit, UnitEnd } from './launch-session.ts';

/** A unit that ends when `end` settles, and `kill` ends at once. */
export function unitEndingWith(end: Promise<UnitEnd>, kill: () => void): BackendUnit {
  let running = true;
  const exited = end.finally(() => {
    running = false;
  });
  return {
    exited,
    get running() {
      return running;
    },
    kill,
  };
}

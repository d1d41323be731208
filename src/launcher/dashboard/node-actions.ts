/**
 * @module
 * {@link NodeActions}: what the launch API can do to a running launch. Stack dumps, CPU
 * profiles and node restarts come from other parts of the launcher; until a build has
 * them, {@link unavailableActions} answers that they are not there (HTTP 501), and
 * `launch()` passes the real ones in once they exist.
 */

/** What the launch API's POST routes call. */
export interface NodeActions {
  /** The node's current JavaScript stack(s), one frame per line. */
  stackDump(nodeId: string): Promise<string>;
  /** A V8 `.cpuprofile` of the node over `durationMs`. */
  cpuProfile(nodeId: string, options: { readonly durationMs: number }): Promise<object>;
  /** Ends the node and starts it again under its id. */
  restartNode(nodeId: string): Promise<void>;
  /** Stops the whole program. */
  stop(): Promise<void>;
}

/** Thrown by an action this build does not have; the API answers 501. */
export class ActionUnavailableError extends Error {
  /** @param action - what was asked, for the message */
  constructor(action: string) {
    super(`${action} is not available in this build of launchpad-ts.`);
    this.name = 'ActionUnavailableError';
  }
}

/** The actions of a build that can only stop the program: `stop` is the one given. */
export function unavailableActions(stop: () => Promise<void>): NodeActions {
  return {
    stackDump: () => Promise.reject(new ActionUnavailableError('A stack dump')),
    cpuProfile: () => Promise.reject(new ActionUnavailableError('A CPU profile')),
    restartNode: () => Promise.reject(new ActionUnavailableError('Restarting a node')),
    stop,
  };
}

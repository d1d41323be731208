/**
 * @module
 * {@link NodeActions}: what the launch API's POST routes do to a running launch, taken
 * from its {@link RunningProgram} (stack dumps, CPU profiles, restarts, the stop). A
 * reopened history has none: its POST routes answer that the launch is finished.
 */
import type { ProgramLifecycle } from '../session/program-lifecycle.ts';
import type { RunningProgram } from '../session/running-program.ts';

/** What the launch API's POST routes call. */
export interface NodeActions {
  /** The node's current JavaScript stack(s), one frame per line. */
  stackDump(nodeId: string): Promise<string>;
  /** A V8 `.cpuprofile` of the node over `durationMs`. */
  cpuProfile(nodeId: string, options: { readonly durationMs: number }): Promise<object>;
  /** Ends the node and starts it again under its id. */
  restartNode(nodeId: string): Promise<void>;
  /** Stops the whole program, as `who` asked (said on the launcher's stderr). */
  stop(who: string): Promise<void>;
}

/** The actions of a running launch. */
export function runningActions(
  running: RunningProgram,
  lifecycle: Pick<ProgramLifecycle, 'stopAsked'>,
): NodeActions {
  return {
    stackDump: (nodeId) => running.stackDump(nodeId),
    cpuProfile: (nodeId, options) => running.cpuProfile(nodeId, options),
    // Refusals (an unknown or stopped node) reject, so the route answers with their code.
    restartNode: async (nodeId) => {
      running.restartNode(nodeId);
      return Promise.resolve();
    },
    stop: (who) => lifecycle.stopAsked(who),
  };
}

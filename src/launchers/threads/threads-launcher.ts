/**
 * @module
 * The `threads` launcher (Launchpad's local_mt): every node in its own worker thread of
 * the launcher's process; the main thread supervises. Nodes reach each other and the
 * launcher through the same control plane and RPC as node processes.
 */
import { launchSupervised } from '../../control/supervised-launch.ts';
import { LaunchpadError } from '../../errors.ts';
import { resourcesOf, type ResolvedLaunchOptions } from '../../launch/launch-options.ts';
import type { RunningProgram } from '../../launch/running-program.ts';
import type { Program } from '../../program/program.ts';
import { startNodeThread, threadLimits } from '../../control/node-thread.ts';

/** Launches `program` with one worker thread per node. */
export function launchThreads(program: Program, options: ResolvedLaunchOptions): RunningProgram {
  return launchSupervised(program, options, {
    launchType: 'threads',
    validate: () => {
      if (options.output !== 'current_terminal') {
        throw new LaunchpadError(
          'INVALID_ARGUMENT',
          `Output mode "${options.output}" needs a process per node; under threads use "current_terminal", or launchType "processes".`,
        );
      }
      // Refuse resources a thread cannot honour before anything starts.
      for (const node of program.nodes) threadLimits(node.id, resourcesOf(options.resources, node));
    },
    start: (unit) => startNodeThread(unit, options),
  });
}

/**
 * @module
 * What the `threads` launch type refuses before anything starts: options that need a
 * process of the node's own.
 */
import { threadLimits } from '../../../../spawn/thread-limits.ts';
import { LaunchpadError } from '../../../../errors/errors.ts';
import { checkLocalResources } from '../../../options/launch-checks.ts';
import type { LaunchCheck } from '../../../options/launch-type-descriptor.ts';
import { resourcesOf } from '../../../options/per-node-options.ts';

/**
 * Throws for options a worker thread cannot honour: the tmux output mode, and Node flags
 * or a working directory per node.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` naming the option (and the node)
 */
export function checkThreadOptions(launch: LaunchCheck): void {
  const { program, options } = launch;
  checkLocalResources(launch);
  if (options.output === 'tmux') {
    throw new LaunchpadError(
      'INVALID_ARGUMENT',
      'Output mode "tmux" gives each node process a window, but under threads every node shares the launcher’s process; use "current-terminal" or "output-to-files", or launchType "processes".',
    );
  }
  for (const node of program.nodes) threadLimits(node.id, resourcesOf(options.resources, node));
}

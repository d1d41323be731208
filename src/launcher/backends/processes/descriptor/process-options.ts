/**
 * @module
 * What the `processes` launch type refuses before anything starts.
 */
import { childProcess } from '../../../../internal/lazy-builtins.ts';
import { threadLimits } from '../../../../spawn/thread-limits.ts';
import { LaunchpadError } from '../../../../errors/errors.ts';
import { checkLocalResources } from '../../../options/launch-checks.ts';
import type { LaunchCheck } from '../../../options/launch-type-descriptor.ts';
import { resourcesOf } from '../../../options/per-node-options.ts';

/**
 * Throws for resources a thread-colocated node cannot have, and for the tmux output mode
 * without tmux or with colocations.
 *
 * @throws LaunchpadError `INVALID_ARGUMENT` (or `FAILED_PRECONDITION` without tmux)
 */
export function checkProcessOptions(launch: LaunchCheck): void {
  const { program, options } = launch;
  checkLocalResources(launch);
  // Thread-colocated nodes get thread resources: refuse what a thread cannot have now, not
  // later inside the host.
  for (const colocation of program.colocations.filter(({ kind }) => kind === 'threads')) {
    for (const nodeId of colocation.nodeIds) {
      const node = program.node(nodeId);
      if (node !== undefined) threadLimits(nodeId, resourcesOf(options.resources, node));
    }
  }
  if (options.output === 'tmux') {
    checkTmuxInstalled();
    if (program.colocations.length > 0) {
      throw new LaunchpadError(
        'INVALID_ARGUMENT',
        'Output mode "tmux" gives each node process a window, but colocated nodes share a process; use "current-terminal" or "output-to-files" with colocations.',
      );
    }
  }
}

/** Throws a clear error when tmux is not installed. */
function checkTmuxInstalled(): void {
  // Every node reads this file (through lp.launchFlags()): the module loads only here.
  const probe = childProcess().spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new LaunchpadError(
      'FAILED_PRECONDITION',
      'Output mode "tmux" needs tmux, which was not found on PATH; install it (apt-get install tmux) or use another output mode.',
    );
  }
}

/**
 * @module
 * Checks several launch types share, for their descriptors' `check`.
 */
import { checkNodeCwds, checkNodeKeys } from './per-node-options.ts';
import { refuseColocatedRestarts } from './restart-policy.ts';
import type { LaunchCheck } from './launch-type-descriptor.ts';

/** Refuses a `resources` key that names no group or node. */
export function checkResourceKeys({ program, options }: LaunchCheck): void {
  checkNodeKeys('resources', options.resources, program.nodes);
}

/** Refuses a wrong `resources` key, or a `cwd` that is not a directory. */
export function checkLocalResources(launch: LaunchCheck): void {
  checkResourceKeys(launch);
  checkNodeCwds(launch.program.nodes, launch.options.resources);
}

/**
 * Refuses restart policies a cluster cannot honour: it runs a colocation as one unit (a
 * Slurm task, a Pod), so a colocated node cannot restart alone.
 */
export function refuseClusterRestarts(launch: LaunchCheck, launchType: string): void {
  refuseColocatedRestarts(launch.policies, launch.program.colocations, launchType);
}

/**
 * What a cluster launch type checks: `resources` keys as local launches do, its own
 * section (`resolve`, which returns what its backend receives), and the restart policies
 * it cannot honour.
 */
export function checkClusterLaunch<TChecked>(
  launch: LaunchCheck,
  launchType: string,
  resolve: () => TChecked,
): TChecked {
  checkResourceKeys(launch);
  const checked = resolve();
  refuseClusterRestarts(launch, launchType);
  return checked;
}

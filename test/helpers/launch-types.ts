/**
 * The launch types every local test suite runs under. A new local launcher joins here
 * and every shared suite runs against it.
 */
import { LAUNCH_TYPES, type LaunchType } from 'launchpad-ts';

const CLUSTER_TYPES: readonly string[] = ['slurm', 'kubernetes'];

/** The launch types that run on this machine without a cluster. */
export const LOCAL_LAUNCH_TYPES: readonly LaunchType[] = LAUNCH_TYPES.filter(
  (type) => !CLUSTER_TYPES.includes(type),
);
